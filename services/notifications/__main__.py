"""`python -m services.notifications`: serve notifications on MO_NOTIFICATIONS_PORT."""

from services.notifications.app import create_app
from services.notifications.settings import NotificationsSettings
from shared.serve import serve

if __name__ == "__main__":
    serve(NotificationsSettings, create_app)
