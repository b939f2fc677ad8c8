# One Kafka cluster for the whole system, provisioned on the relay app and attached to the
# other two under the same name, so every app gets the same KAFKA_URL, KAFKA_TRUSTED_CERT,
# KAFKA_CLIENT_CERT, KAFKA_CLIENT_CERT_KEY and (on multi-tenant plans) KAFKA_PREFIX.
resource "heroku_addon" "kafka" {
  app_id = heroku_app.relay.id
  plan   = var.kafka_plan
}

resource "heroku_addon_attachment" "stats_kafka" {
  app_id   = heroku_app.stats.id
  addon_id = heroku_addon.kafka.id
  name     = "KAFKA"
}

resource "heroku_addon_attachment" "stream_kafka" {
  app_id   = heroku_app.stream.id
  addon_id = heroku_addon.kafka.id
  name     = "KAFKA"
}

# The stats database (DATABASE_URL). Only stats keeps state; relay and stream have none.
resource "heroku_addon" "postgres" {
  app_id = heroku_app.stats.id
  plan   = var.postgres_plan
}
