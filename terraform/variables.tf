variable "app_name_prefix" {
  description = "Heroku app names are <prefix>-relay, <prefix>-stats and <prefix>-stream; app names are global on Heroku, so pick something unique."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,22}$", var.app_name_prefix))
    error_message = "app_name_prefix must be 2-23 characters of a-z, 0-9 and -, starting with a letter (Heroku app names are at most 30)."
  }
}

variable "region" {
  description = "Heroku region of the three apps (and so of their add-ons)."
  type        = string
  default     = "us"
}

variable "team" {
  description = "Heroku team that owns the apps; empty for the personal account of the API key."
  type        = string
  default     = ""
}

variable "stack" {
  description = "Heroku stack (Cedar generation; the buildpacks below do not run on Fir)."
  type        = string
  default     = "heroku-24"
}

variable "buildpacks" {
  description = "Buildpacks, in order: apt installs the Aptfile's C libraries (librdkafka, libpq) before the Swift buildpack builds with the toolchain named in .swift-version."
  type        = list(string)
  default = [
    "https://github.com/heroku/heroku-buildpack-apt",
    "https://github.com/vapor-community/heroku-buildpack",
  ]
}

variable "source_archive" {
  description = "Tarball of the repository to build, made by ./source-archive.sh (git archive of HEAD). Ignored when source_url is set."
  type        = string
  default     = "build/source.tar.gz"
}

variable "source_url" {
  description = "https:// URL of a source tarball (e.g. a GitHub release archive) to build instead of source_archive."
  type        = string
  default     = ""

  validation {
    condition     = var.source_url == "" || startswith(var.source_url, "https://")
    error_message = "source_url must start with https:// (the Heroku build API fetches it)."
  }
}

variable "source_version" {
  description = "What is deployed (a git commit or tag), recorded on each Heroku build; ./source-archive.sh writes it to source.auto.tfvars.json."
  type        = string
  default     = "unknown"
}

variable "kafka_plan" {
  description = "Apache Kafka on Heroku plan. basic-* plans are multi-tenant: Heroku sets KAFKA_PREFIX and topics and consumer groups must be created up front (kafka.tf does)."
  type        = string
  default     = "heroku-kafka:basic-0"

  validation {
    condition     = startswith(var.kafka_plan, "heroku-kafka:")
    error_message = "kafka_plan must be a heroku-kafka plan, e.g. heroku-kafka:basic-0 or heroku-kafka:standard-0."
  }
}

variable "kafka_partitions" {
  description = "Partitions of each event topic. The most stats dynos that do work is this number; it cannot be lowered later (basic-0 allows 240 partitions in all)."
  type        = number
  default     = 8

  validation {
    condition     = var.kafka_partitions >= 1 && var.kafka_partitions <= 256
    error_message = "kafka_partitions must be between 1 and 256."
  }
}

variable "postgres_plan" {
  description = "Heroku Postgres plan of the stats database."
  type        = string
  default     = "heroku-postgresql:essential-0"

  validation {
    condition     = startswith(var.postgres_plan, "heroku-postgresql:")
    error_message = "postgres_plan must be a heroku-postgresql plan."
  }
}

variable "dynos" {
  description = "web dynos per app: size (basic allows one dyno per process type; standard-1x and up scale out) and quantity. See README.md for what more dynos of each service do."
  type = map(object({
    size     = string
    quantity = number
  }))
  default = {
    relay  = { size = "standard-1x", quantity = 1 }
    stats  = { size = "standard-1x", quantity = 1 }
    stream = { size = "standard-1x", quantity = 1 }
  }

  validation {
    condition     = alltrue([for service in ["relay", "stats", "stream"] : contains(keys(var.dynos), service)]) && length(var.dynos) == 3
    error_message = "dynos must have exactly the keys relay, stats and stream."
  }

  validation {
    condition     = alltrue([for formation in values(var.dynos) : formation.quantity >= 0 && floor(formation.quantity) == formation.quantity])
    error_message = "Every dynos quantity must be a whole number >= 0."
  }
}

variable "log_level" {
  description = "LOG_LEVEL of every service: trace, debug, info, notice, warning, error or critical."
  type        = string
  default     = "info"

  validation {
    condition     = contains(["trace", "debug", "info", "notice", "warning", "error", "critical"], var.log_level)
    error_message = "log_level must be one of trace, debug, info, notice, warning, error, critical."
  }
}

variable "relay_api_keys" {
  description = "API_KEYS of relay: bearer keys accepted on POST /v1/events; list the old and the new key while rotating."
  type        = list(string)
  sensitive   = true

  validation {
    condition     = length(var.relay_api_keys) > 0 && alltrue([for key in var.relay_api_keys : length(key) >= 16 && !strcontains(key, ",")])
    error_message = "relay_api_keys needs at least one key, each at least 16 characters and without commas."
  }
}

variable "relay_admin_api_keys" {
  description = "ADMIN_API_KEYS of relay: keys that may register event types (POST /v1/schemas/{type}); empty: registration refused."
  type        = list(string)
  default     = []
  sensitive   = true

  validation {
    condition     = alltrue([for key in var.relay_admin_api_keys : length(key) >= 16 && !strcontains(key, ",")])
    error_message = "relay_admin_api_keys must each be at least 16 characters and without commas."
  }
}

variable "relay_legacy_routes_open" {
  description = "LEGACY_ROUTES_OPEN of relay: true lets the reference storefront post to /produceClickMessage and /producePageLoad without a key."
  type        = bool
  default     = false
}

variable "relay_cors_allowed_origins" {
  description = "CORS_ALLOWED_ORIGINS of relay: comma list of browser origins allowed to post (https://shop.example.com), or *; empty sends no CORS headers."
  type        = string
  default     = ""
}

variable "relay_rate_limit_per_minute" {
  description = "RATE_LIMIT_PER_MINUTE of relay: event POSTs per minute per key (or client address); 0 turns the limit off."
  type        = number
  default     = 0
}

variable "stats_consumer_group" {
  description = "STATS_CONSUMER_GROUP: the stats consumer group without KAFKA_PREFIX (stats adds it); kafka.tf creates it."
  type        = string
  default     = "edm-consumer-group-2"

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,200}$", var.stats_consumer_group))
    error_message = "stats_consumer_group allows only A-Z a-z 0-9 . _ - (at most 200)."
  }
}

variable "alerts_consumer_group" {
  description = "ALERT_CONSUMER_GROUP: the alerts consumer group without KAFKA_PREFIX; kafka.tf creates it."
  type        = string
  default     = "edm-alerts"

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,200}$", var.alerts_consumer_group))
    error_message = "alerts_consumer_group allows only A-Z a-z 0-9 . _ - (at most 200)."
  }
}

variable "alert_rules" {
  description = "ALERT_RULES of alerts (JSON, see Services/alerts/README.md); empty: the built-in storefront rules."
  type        = string
  default     = ""
}

variable "alert_webhook_url" {
  description = "ALERT_WEBHOOK_URL of alerts: http(s) URL every alert is POSTed to (sensitive: such URLs often hold a token); empty: no webhook."
  type        = string
  default     = ""
  sensitive   = true

  validation {
    condition     = var.alert_webhook_url == "" || can(regex("^https?://[^/?#]+", var.alert_webhook_url))
    error_message = "alert_webhook_url must be empty or an http(s) URL with a host."
  }
}

variable "alerts_dyno" {
  description = "The alerts worker on the stats app: size and quantity (0 turns alerts off; more than 1 would split keys that span partitions)."
  type = object({
    size     = string
    quantity = number
  })
  default = { size = "standard-1x", quantity = 1 }

  validation {
    condition     = var.alerts_dyno.quantity == 0 || var.alerts_dyno.quantity == 1
    error_message = "alerts_dyno.quantity must be 0 or 1: alerts keeps its windows in one process."
  }
}

variable "stats_tokens" {
  description = "STATS_TOKENS of stats: bearer tokens its API accepts (dashboards send one as DASHBOARD_STATS_TOKEN); empty: the API is open."
  type        = list(string)
  default     = []
  sensitive   = true

  validation {
    condition     = alltrue([for token in var.stats_tokens : length(token) >= 16 && !strcontains(token, ",")])
    error_message = "stats_tokens must each be at least 16 characters and without commas."
  }
}

variable "stream_tokens" {
  description = "STREAM_TOKENS of stream: tokens accepted from WebSocket clients (Authorization: Bearer or ?token=)."
  type        = list(string)
  sensitive   = true

  validation {
    condition     = length(var.stream_tokens) > 0 && alltrue([for token in var.stream_tokens : length(token) >= 16 && !strcontains(token, ",")])
    error_message = "stream_tokens needs at least one token, each at least 16 characters and without commas."
  }
}

variable "stream_public_tokens" {
  description = "STREAM_PUBLIC_TOKENS of stream: read-only tokens for public consumers (may ship in a web page); they read only stream_public_types."
  type        = list(string)
  default     = []
  sensitive   = true

  validation {
    condition     = alltrue([for token in var.stream_public_tokens : length(token) >= 16 && !strcontains(token, ",")])
    error_message = "stream_public_tokens must each be at least 16 characters and without commas."
  }
}

variable "stream_public_types" {
  description = "STREAM_PUBLIC_TYPES of stream: the event types public tokens may read."
  type        = list(string)
  default     = []
}

variable "stream_redact_user_agent" {
  description = "STREAM_REDACT_USER_AGENT of stream: true sends page loads' userAgent as an empty string (personal data)."
  type        = bool
  default     = true
}
