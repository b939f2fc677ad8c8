# Copy to secrets.tfvars (ignored by git) and fill in; `terraform apply -var-file=secrets.tfvars`.
app_name_prefix = "edm-example"
region          = "us"

relay_api_keys = ["replace-with-a-long-random-key"]
stream_tokens  = ["replace-with-a-long-random-token"]
stats_tokens   = ["replace-with-a-long-random-token-for-dashboards"]

# relay_cors_allowed_origins = "https://shop.example.com"
# relay_legacy_routes_open   = true

# kafka_plan       = "heroku-kafka:basic-0"
# kafka_partitions = 8
# postgres_plan    = "heroku-postgresql:essential-0"

# dynos = {
#   relay  = { size = "standard-1x", quantity = 2 }
#   stats  = { size = "standard-1x", quantity = 2 }
#   stream = { size = "standard-2x", quantity = 1 }
# }
