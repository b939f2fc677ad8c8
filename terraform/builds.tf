# Builds the same source on each app with the apt + Swift buildpacks. A build ends with the
# release phase (bin/release), so when stats' build is done its schema is migrated.
resource "heroku_build" "service" {
  for_each = local.apps

  app_id     = each.value.id
  buildpacks = var.buildpacks

  source {
    path    = var.source_url == "" ? "${path.module}/${var.source_archive}" : null
    url     = var.source_url == "" ? null : var.source_url
    version = var.source_version
  }

  # Nothing builds (and so no release phase runs) before every add-on, attachment, topic and
  # consumer group exists: the release phase of stats needs DATABASE_URL, and Heroku Kafka does
  # not create topics or (on basic plans) groups on first use.
  depends_on = [
    heroku_addon.kafka,
    heroku_addon.postgres,
    heroku_addon_attachment.stats_kafka,
    heroku_addon_attachment.stream_kafka,
    terraform_data.kafka_topic,
    terraform_data.kafka_registry_topic,
    terraform_data.kafka_consumer_group,
  ]
}
