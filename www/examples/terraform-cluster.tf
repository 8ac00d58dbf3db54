variable "project_id" {
  description = "The project to create the cluster in."
  type        = string
  default     = "acme-shop-prod"
}

variable "region" {
  type    = string
  default = "europe-west1"
}

locals {
  node_pools = {
    web   = { machine_type = "e2-standard-4", hardened = true }
    batch = { machine_type = "n2-standard-8", hardened = false }
  }
}

resource "google_container_cluster" "shop" {
  name     = "shop-prod"
  project  = var.project_id
  location = var.region

  # The node pools are managed below.
  remove_default_node_pool = true
  initial_node_count       = 1

  release_channel {
    channel = "REGULAR"
  }
}

resource "google_container_node_pool" "pools" {
  for_each = local.node_pools

  name     = each.key
  project  = var.project_id
  location = var.region
  cluster  = google_container_cluster.shop.name

  node_config {
    machine_type    = each.value.machine_type
    service_account = "gke-nodes@${var.project_id}.iam.gserviceaccount.com"
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]

    dynamic "workload_metadata_config" {
      for_each = each.value.hardened ? [1] : []
      content {
        mode = "GKE_METADATA"
      }
    }
  }
}
