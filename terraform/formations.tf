# How many web dynos of which size each app runs (var.dynos). Formations wait for every build,
# so no service starts before the stats schema is migrated by its release phase.
resource "heroku_formation" "web" {
  for_each = local.apps

  app_id   = each.value.id
  type     = "web"
  size     = var.dynos[each.key].size
  quantity = var.dynos[each.key].quantity

  depends_on = [heroku_build.service]
}

# alerts runs as a worker process type on the stats app, not as an app of its own: it needs no
# routed HTTP (Heroku routes only web dynos), it uses the Kafka attachment the stats app already
# has, and it runs exactly one dyno (a key such as a button spans partitions, so one process
# holds all windows; a restart rebuilds them from Kafka).
resource "heroku_formation" "alerts" {
  app_id   = heroku_app.stats.id
  type     = "alerts"
  size     = var.alerts_dyno.size
  quantity = var.alerts_dyno.quantity

  depends_on = [heroku_build.service]
}

# Warnings (terraform plan and apply go on) for formations that cannot do what they look like.
check "stats_dynos_have_partitions" {
  assert {
    condition     = var.dynos["stats"].quantity <= var.kafka_partitions
    error_message = "More stats dynos than partitions per topic: the group gives each partition to one dyno, so the extra dynos only serve the HTTP API and count nothing."
  }
}

check "basic_dynos_do_not_scale" {
  assert {
    condition     = alltrue([for formation in values(var.dynos) : lower(formation.size) != "basic" || formation.quantity <= 1])
    error_message = "Basic dynos run at most one per process type; use standard-1x or larger to scale out."
  }
}
