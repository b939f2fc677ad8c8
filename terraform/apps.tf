# One Heroku app per service. Heroku routes HTTP only to `web` dynos, so every app runs its
# service as `web` (bin/web reads EDM_SERVICE). Config vars that add-ons set (KAFKA_URL,
# KAFKA_TRUSTED_CERT, KAFKA_CLIENT_CERT, KAFKA_CLIENT_CERT_KEY, KAFKA_PREFIX, DATABASE_URL) are
# left to the add-ons in addons.tf: setting them here would fight Heroku's credential rotation.

locals {
  # A personal app has no organization block; a team app has one.
  teams = var.team == "" ? [] : [var.team]
}

resource "heroku_app" "relay" {
  name       = "${var.app_name_prefix}-relay"
  region     = var.region
  stack      = var.stack
  buildpacks = var.buildpacks

  dynamic "organization" {
    for_each = local.teams
    content {
      name = organization.value
    }
  }

  config_vars = merge(
    {
      EDM_SERVICE           = "relay"
      LOG_LEVEL             = var.log_level
      LEGACY_ROUTES_OPEN    = tostring(var.relay_legacy_routes_open)
      RATE_LIMIT_PER_MINUTE = tostring(var.relay_rate_limit_per_minute)
    },
    # Heroku has no empty config vars: unset means "no CORS headers".
    var.relay_cors_allowed_origins == "" ? {} : { CORS_ALLOWED_ORIGINS = var.relay_cors_allowed_origins },
  )

  sensitive_config_vars = merge(
    {
      API_KEYS = join(",", var.relay_api_keys)
    },
    length(var.relay_admin_api_keys) == 0 ? {} : { ADMIN_API_KEYS = join(",", var.relay_admin_api_keys) },
  )
}

resource "heroku_app" "stats" {
  name       = "${var.app_name_prefix}-stats"
  region     = var.region
  stack      = var.stack
  buildpacks = var.buildpacks

  dynamic "organization" {
    for_each = local.teams
    content {
      name = organization.value
    }
  }

  # The alerts worker (formations.tf) runs on this app too and reads the ALERT_* vars.
  config_vars = merge(
    {
      EDM_SERVICE          = "stats"
      LOG_LEVEL            = var.log_level
      STATS_CONSUMER_GROUP = var.stats_consumer_group
      ALERT_CONSUMER_GROUP = var.alerts_consumer_group
    },
    # Heroku has no empty config vars: unset means the built-in rules.
    var.alert_rules == "" ? {} : { ALERT_RULES = var.alert_rules },
  )

  sensitive_config_vars = merge(
    {
      STATS_TOKENS = join(",", var.stats_tokens)
    },
    # The alerts worker's webhook; unset: no webhook.
    var.alert_webhook_url == "" ? {} : { ALERT_WEBHOOK_URL = var.alert_webhook_url },
  )
}

resource "heroku_app" "stream" {
  name       = "${var.app_name_prefix}-stream"
  region     = var.region
  stack      = var.stack
  buildpacks = var.buildpacks

  dynamic "organization" {
    for_each = local.teams
    content {
      name = organization.value
    }
  }

  config_vars = {
    EDM_SERVICE              = "stream"
    LOG_LEVEL                = var.log_level
    STREAM_REDACT_USER_AGENT = tostring(var.stream_redact_user_agent)
    STREAM_PUBLIC_TYPES      = join(",", var.stream_public_types)
  }

  sensitive_config_vars = merge(
    {
      STREAM_TOKENS = join(",", var.stream_tokens)
    },
    length(var.stream_public_tokens) == 0 ? {} : { STREAM_PUBLIC_TOKENS = join(",", var.stream_public_tokens) },
  )
}

locals {
  # The apps by service name, for the resources that are the same for every service.
  apps = {
    relay  = heroku_app.relay
    stats  = heroku_app.stats
    stream = heroku_app.stream
  }
}
