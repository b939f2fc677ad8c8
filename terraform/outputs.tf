output "relay_url" {
  description = "Base URL of relay: POST /v1/events (and the legacy /produceClickMessage, /producePageLoad)."
  value       = heroku_app.relay.web_url
}

output "stats_url" {
  description = "Base URL of stats: /v1/stats/summary, /api/clickCount, /api/clickHistory."
  value       = heroku_app.stats.web_url
}

output "stream_url" {
  description = "Base URL of stream (HTTPS)."
  value       = heroku_app.stream.web_url
}

output "stream_websocket_url" {
  description = "WebSocket endpoint of stream, for dashboard-tui --stream-url and browsers."
  value       = "${replace(trimsuffix(heroku_app.stream.web_url, "/"), "https://", "wss://")}/v1/stream"
}

output "app_names" {
  description = "Heroku app of each service, for `heroku logs --app`, `heroku ps:scale --app` and the like."
  value       = { for service, app in local.apps : service => app.name }
}

output "kafka_addon" {
  description = "The shared Kafka add-on, for `heroku kafka:topics --app <relay app> <add-on>`."
  value       = heroku_addon.kafka.name
}
