terraform {
  required_version = ">= 1.5"

  required_providers {
    heroku = {
      source  = "heroku/heroku"
      version = "~> 5.0"
    }
  }
}

# Credentials come from the environment (HEROKU_API_KEY, or ~/.netrc after `heroku login`), never
# from this configuration. The `heroku` CLI used by kafka.tf reads the same ones.
provider "heroku" {}
