"""`python -m services.scheduling`: serve scheduling on MO_SCHEDULING_HOST:MO_SCHEDULING_PORT."""

from services.scheduling.app import create_app
from services.scheduling.settings import SchedulingSettings
from shared.serve import serve

if __name__ == "__main__":
    serve(SchedulingSettings, create_app)
