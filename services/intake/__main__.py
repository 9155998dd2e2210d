"""`python -m services.intake`: serve intake on MO_INTAKE_HOST:MO_INTAKE_PORT."""

from services.intake.app import create_app
from services.intake.settings import IntakeSettings
from shared.serve import serve

if __name__ == "__main__":
    serve(IntakeSettings, create_app)
