"""`python -m services.routing`: serve routing on MO_ROUTING_HOST:MO_ROUTING_PORT."""

from services.routing.app import create_app
from services.routing.settings import RoutingSettings
from shared.serve import serve

if __name__ == "__main__":
    serve(RoutingSettings, create_app)
