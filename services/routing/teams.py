"""Department teams' and the operators' tokens:
`python -m services.routing.teams add|ensure|list|revoke TEAM` (see shared/credentials_cli.py)."""

from services.routing import store
from services.routing.domain import TEAMS
from services.routing.settings import RoutingSettings
from shared.credentials_cli import CredentialsCommand

COMMAND = CredentialsCommand(
    prog="python -m services.routing.teams",
    what="team",
    settings=RoutingSettings,
    metadata=store.metadata,
    table=store.credentials,
    holders=TEAMS,
)

if __name__ == "__main__":
    COMMAND.main()
