# One image for the four services; the service is chosen by argument:
#   docker run mobileoffice services.routing
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY shared ./shared
COPY services ./services
COPY deploy/__init__.py deploy/routing-rules.yaml deploy/communities.yaml deploy/credentials.py deploy/bus_setup.py ./deploy/
COPY deploy/kafka/__init__.py deploy/kafka/acls.py deploy/kafka/bus_access.py deploy/kafka/topic_policy.py ./deploy/kafka/
RUN pip install --no-cache-dir . && useradd --create-home --uid 10001 mobileoffice \
    && mkdir -p var/attachments && chown mobileoffice var/attachments
USER mobileoffice

ENTRYPOINT ["python", "-m"]
CMD ["services.intake"]
