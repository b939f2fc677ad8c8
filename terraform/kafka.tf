# Topics and consumer groups. Heroku Kafka creates neither on first use, and multi-tenant (basic)
# plans accept only names created through Heroku, which adds KAFKA_PREFIX itself: so the bare
# names are given here, exactly the ones in Shared/EDMEvents (topicBase of each event kind,
# ConsumerGroup.stats). The Heroku API has no Terraform resource for them, so the `heroku` CLI
# (with its kafka plugin) runs here, authenticated like the provider (HEROKU_API_KEY).
#
# stream joins no consumer group (it assigns itself every partition), so the groups created are
# stats' and alerts' (which also publishes on edm-alerts).

locals {
  kafka_topics          = ["edm-ui-click", "edm-ui-pageload", "edm-alerts"]
  kafka_consumer_groups = [var.stats_consumer_group, var.alerts_consumer_group]

  # Where the CLI finds the cluster: the add-on by name, through the app that owns it.
  kafka_cli_environment = {
    KAFKA_APP   = heroku_app.relay.name
    KAFKA_ADDON = heroku_addon.kafka.name
  }
}

# A new cluster takes minutes to provision; topics can be created only once it is up.
resource "terraform_data" "kafka_ready" {
  triggers_replace = [heroku_addon.kafka.id]

  provisioner "local-exec" {
    interpreter = ["/bin/sh", "-c"]
    command     = "heroku kafka:wait \"$KAFKA_ADDON\" --app \"$KAFKA_APP\""
    environment = local.kafka_cli_environment
  }
}

# Creating an existing topic fails, so a topic that is already there (a re-created state, an
# earlier partial apply) is left as it is.
resource "terraform_data" "kafka_topic" {
  for_each         = toset(local.kafka_topics)
  triggers_replace = [heroku_addon.kafka.id, each.key, var.kafka_partitions]

  provisioner "local-exec" {
    interpreter = ["/bin/sh", "-c"]
    command     = <<-EOT
      if heroku kafka:topics:info "$TOPIC" "$KAFKA_ADDON" --app "$KAFKA_APP" >/dev/null 2>&1; then
        echo "topic $TOPIC exists; kept as it is (partition counts cannot shrink)"
      else
        heroku kafka:topics:create "$TOPIC" "$KAFKA_ADDON" --app "$KAFKA_APP" --partitions "$PARTITIONS"
      fi
    EOT
    environment = merge(local.kafka_cli_environment, {
      TOPIC      = each.key
      PARTITIONS = tostring(var.kafka_partitions)
    })
  }

  depends_on = [terraform_data.kafka_ready]
}

# The schema registry's topic (RegisteredType.registryTopicBase): one partition, so every reader
# sees registrations in one order, and compacted. Registered types' own topics are created by
# the relay, or where the plan refuses that, by the operator with the command the registration
# answers with.
resource "terraform_data" "kafka_registry_topic" {
  triggers_replace = [heroku_addon.kafka.id]

  provisioner "local-exec" {
    interpreter = ["/bin/sh", "-c"]
    command     = <<-EOT
      if heroku kafka:topics:info edm-schemas "$KAFKA_ADDON" --app "$KAFKA_APP" >/dev/null 2>&1; then
        echo "topic edm-schemas exists; kept as it is"
      else
        heroku kafka:topics:create edm-schemas "$KAFKA_ADDON" --app "$KAFKA_APP" --partitions 1 --compaction
      fi
    EOT
    environment = local.kafka_cli_environment
  }

  depends_on = [terraform_data.kafka_ready]
}

# On dedicated plans the CLI answers that groups need no creating and succeeds.
resource "terraform_data" "kafka_consumer_group" {
  for_each         = toset(local.kafka_consumer_groups)
  triggers_replace = [heroku_addon.kafka.id, each.key]

  provisioner "local-exec" {
    interpreter = ["/bin/sh", "-c"]
    command     = <<-EOT
      if heroku kafka:consumer-groups "$KAFKA_ADDON" --app "$KAFKA_APP" 2>/dev/null | grep -q -- "$GROUP"; then
        echo "consumer group $GROUP exists"
      else
        heroku kafka:consumer-groups:create "$GROUP" "$KAFKA_ADDON" --app "$KAFKA_APP"
      fi
    EOT
    environment = merge(local.kafka_cli_environment, {
      GROUP = each.key
    })
  }

  depends_on = [terraform_data.kafka_ready]
}
