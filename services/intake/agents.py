"""Field agents' tokens: `python -m services.intake.agents add|ensure|list|revoke NAME`
(see shared/credentials_cli.py)."""

from services.intake import store
from services.intake.settings import IntakeSettings
from shared.credentials_cli import CredentialsCommand

COMMAND = CredentialsCommand(
    prog="python -m services.intake.agents",
    what="field agent",
    settings=IntakeSettings,
    metadata=store.metadata,
    table=store.credentials,
)

if __name__ == "__main__":
    COMMAND.main()
