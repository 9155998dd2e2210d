"""Staff sign-in for the services' pages: a team or an operator signs in with their
credential, holds a session cookie kept in the service's own store, and sends the session's
CSRF token with every form (sessions.py: the sessions and their use cases; pages.py: the
doors, the sign-in routes and the pages' rendering; sign_in.html: the sign-in form)."""
