//! The hardening rule pack, rule by rule: for each, a failing, a passing, a default (setting
//! absent) and an Autopilot case, in gcloud JSON, the same document as YAML, and Terraform,
//! each with the exact place the finding points at.

use gkecheck::report::Status;
use gkecheck::{check, Input, Options};

/// Where a finding must point: the first character of `token` (a resource's name or header),
/// or the value written after `key` (`"key": value` in JSON, `key: value` in YAML,
/// `key = value` in Terraform).
#[derive(Clone, Copy)]
enum At {
    Token(&'static str),
    Value(&'static str),
}

struct Case {
    rule: &'static str,
    /// `json` (also checked as YAML) or `tf`.
    format: &'static str,
    text: &'static str,
    status: Status,
    /// The resource the result is about: its name for gcloud, its address for Terraform.
    resource: &'static str,
    at: At,
}

const fn case(
    rule: &'static str,
    format: &'static str,
    text: &'static str,
    status: Status,
    resource: &'static str,
    at: At,
) -> Case {
    Case {
        rule,
        format,
        text,
        status,
        resource,
        at,
    }
}

use At::{Token, Value};
use Status::{Fail, Pass, Unknown};

/// A gcloud cluster with `fields`, and one pool `apps` with `pool`.
macro_rules! gcloud {
    ($fields:literal, $pool:literal) => {
        concat!(
            "{\n  \"name\": \"prod\",\n  \"currentMasterVersion\": \"1.30.5-gke.1014001\",\n",
            $fields,
            "  \"nodePools\": [\n    {\n      \"name\": \"apps\",\n",
            $pool,
            "      \"initialNodeCount\": 1\n    }\n  ]\n}\n"
        )
    };
}

const AUTOPILOT: &str = gcloud!("  \"autopilot\": {\"enabled\": true},\n", "");

static CASES: &[Case] = &[
    // GKE003: Terraform only.
    case("GKE003", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  workload_identity_config {\n    workload_pool = \"acme.svc.id.goog\"\n  }\n}\nresource \"google_container_node_pool\" \"apps\" {\n  cluster = google_container_cluster.c.name\n}\n", Fail, "google_container_node_pool.apps", Token("resource \"google_container_node_pool\"")),
    case("GKE003", "tf", "resource \"google_container_node_pool\" \"apps\" {\n  cluster = \"c\"\n  node_config {\n    workload_metadata_config {\n      mode = \"GKE_METADATA\"\n    }\n  }\n}\n", Pass, "google_container_node_pool.apps", Value("mode")),
    // GKE004
    case("GKE004", "json", gcloud!("", "      \"config\": {\"metadata\": {\"disable-legacy-endpoints\": \"false\"}},\n"), Fail, "apps", Value("\"disable-legacy-endpoints\"")),
    case("GKE004", "json", gcloud!("", "      \"config\": {\"metadata\": {\"disable-legacy-endpoints\": \"true\"}},\n"), Pass, "apps", Value("\"disable-legacy-endpoints\"")),
    case("GKE004", "json", gcloud!("", "      \"config\": {},\n"), Pass, "apps", Token("\"name\": \"apps\"")),
    case("GKE004", "tf", "resource \"google_container_node_pool\" \"apps\" {\n  cluster = \"c\"\n  node_config {\n    metadata = {\n      disable-legacy-endpoints = \"false\"\n    }\n  }\n}\n", Fail, "google_container_node_pool.apps", Token("{\n      disable")),
    // GKE007
    case("GKE007", "json", gcloud!("", "      \"config\": {\"serviceAccount\": \"default\", \"oauthScopes\": [\"https://www.googleapis.com/auth/cloud-platform\"]},\n"), Fail, "apps", Token("\"https://www.googleapis.com/auth/cloud-platform\"")),
    case("GKE007", "json", gcloud!("", "      \"config\": {\"serviceAccount\": \"default\", \"oauthScopes\": [\"https://www.googleapis.com/auth/devstorage.read_only\"]},\n"), Pass, "apps", Value("\"oauthScopes\"")),
    case("GKE007", "json", gcloud!("", "      \"config\": {},\n"), Pass, "apps", Token("\"name\": \"apps\"")),
    case("GKE007", "tf", "resource \"google_container_node_pool\" \"apps\" {\n  cluster = \"c\"\n  node_config {\n    oauth_scopes = [\"cloud-platform\"]\n  }\n}\n", Fail, "google_container_node_pool.apps", Value("oauth_scopes")),
    // GKE011
    case("GKE011", "json", gcloud!("  \"networkPolicy\": {\"enabled\": true, \"provider\": \"CALICO\"},\n", ""), Pass, "prod", Value("\"enabled\"")),
    case("GKE011", "json", gcloud!("  \"networkConfig\": {\"datapathProvider\": \"LEGACY_DATAPATH\"},\n", ""), Fail, "prod", Token("\"name\": \"prod\"")),
    case("GKE011", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  datapath_provider        = \"ADVANCED_DATAPATH\"\n}\n", Pass, "google_container_cluster.c", Value("datapath_provider")),
    case("GKE011", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  network_policy {\n    enabled = var.np\n  }\n}\n", Unknown, "google_container_cluster.c", Value("enabled")),
    // GKE012
    case("GKE012", "json", gcloud!("  \"networkConfig\": {\"defaultEnablePrivateNodes\": true},\n", "      \"networkConfig\": {\"enablePrivateNodes\": false},\n"), Fail, "apps", Value("\"enablePrivateNodes\"")),
    case("GKE012", "json", gcloud!("  \"networkConfig\": {\"defaultEnablePrivateNodes\": true},\n", ""), Pass, "prod", Value("\"defaultEnablePrivateNodes\"")),
    case("GKE012", "json", AUTOPILOT, Fail, "prod", Token("\"name\": \"prod\"")),
    case("GKE012", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  private_cluster_config {\n    enable_private_endpoint = false\n  }\n}\n", Fail, "google_container_cluster.c", Token("resource")),
    // GKE013
    case("GKE013", "json", gcloud!("  \"controlPlaneEndpointsConfig\": {\"ipEndpointsConfig\": {\"enabled\": true, \"enablePublicEndpoint\": false}},\n", ""), Pass, "prod", Value("\"enablePublicEndpoint\"")),
    case("GKE013", "json", gcloud!("  \"privateClusterConfig\": {\"enablePrivateNodes\": true},\n", ""), Fail, "prod", Token("\"name\": \"prod\"")),
    case("GKE013", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  private_cluster_config {\n    enable_private_endpoint = true\n  }\n}\n", Pass, "google_container_cluster.c", Value("enable_private_endpoint")),
    // GKE014
    case("GKE014", "json", gcloud!("  \"masterAuthorizedNetworksConfig\": {\"enabled\": true},\n", ""), Pass, "prod", Value("\"enabled\"")),
    case("GKE014", "json", gcloud!("", ""), Fail, "prod", Token("\"name\": \"prod\"")),
    case("GKE014", "json", AUTOPILOT, Fail, "prod", Token("\"name\": \"prod\"")),
    case("GKE014", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  master_authorized_networks_config {\n  }\n}\n", Pass, "google_container_cluster.c", Token("master_authorized_networks_config")),
    // GKE015
    case("GKE015", "json", gcloud!("  \"masterAuthorizedNetworksConfig\": {\"enabled\": true, \"cidrBlocks\": [{\"cidrBlock\": \"10.0.0.0/8\"}, {\"cidrBlock\": \"128.0.0.0/1\"}, {\"cidrBlock\": \"0.0.0.0/1\"}]},\n", ""), Fail, "prod", Token("\"128.0.0.0/1\"")),
    case("GKE015", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  master_authorized_networks_config {\n    cidr_blocks {\n      cidr_block = \"0.0.0.0/0\"\n    }\n  }\n}\n", Fail, "google_container_cluster.c", Value("cidr_block ")),
    case("GKE015", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  master_authorized_networks_config {\n    cidr_blocks {\n      cidr_block = \"198.51.100.0/24\"\n    }\n  }\n}\n", Pass, "google_container_cluster.c", Value("cidr_block ")),
    // GKE016
    case("GKE016", "json", gcloud!("  \"shieldedNodes\": {},\n", ""), Fail, "prod", Token("\"name\": \"prod\"")),
    case("GKE016", "json", AUTOPILOT, Pass, "prod", Value("\"enabled\"")),
    case("GKE016", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  enable_shielded_nodes    = false\n}\n", Fail, "google_container_cluster.c", Value("enable_shielded_nodes")),
    // GKE017
    case("GKE017", "json", gcloud!("", "      \"config\": {\"shieldedInstanceConfig\": {\"enableSecureBoot\": true}},\n"), Pass, "apps", Value("\"enableSecureBoot\"")),
    case("GKE017", "json", gcloud!("", "      \"config\": {},\n"), Fail, "apps", Token("\"name\": \"apps\"")),
    case("GKE017", "tf", "resource \"google_container_node_pool\" \"apps\" {\n  cluster = \"c\"\n  node_config {\n    shielded_instance_config {\n      enable_secure_boot = false\n    }\n  }\n}\n", Fail, "google_container_node_pool.apps", Value("enable_secure_boot")),
    // GKE018
    case("GKE018", "json", gcloud!("", "      \"config\": {\"shieldedInstanceConfig\": {}},\n"), Fail, "apps", Token("\"name\": \"apps\"")),
    case("GKE018", "tf", "resource \"google_container_node_pool\" \"apps\" {\n  cluster = \"c\"\n}\n", Pass, "google_container_node_pool.apps", Token("resource")),
    // GKE019 / GKE020
    case("GKE019", "json", gcloud!("", "      \"management\": {\"autoRepair\": false},\n"), Fail, "apps", Value("\"autoRepair\"")),
    case("GKE019", "tf", "resource \"google_container_node_pool\" \"apps\" {\n  cluster = \"c\"\n  management {\n    auto_repair = false\n  }\n}\n", Fail, "google_container_node_pool.apps", Value("auto_repair")),
    case("GKE020", "json", gcloud!("", "      \"management\": {\"autoUpgrade\": true},\n"), Pass, "apps", Value("\"autoUpgrade\"")),
    case("GKE020", "json", AUTOPILOT, Pass, "apps", Token("\"name\": \"apps\"")),
    // GKE021
    case("GKE021", "json", gcloud!("", "      \"config\": {\"imageType\": \"UBUNTU_CONTAINERD\"},\n"), Fail, "apps", Value("\"imageType\"")),
    case("GKE021", "tf", "resource \"google_container_node_pool\" \"apps\" {\n  cluster = \"c\"\n  node_config {\n    image_type = \"cos_containerd\"\n  }\n}\n", Pass, "google_container_node_pool.apps", Value("image_type")),
    // GKE022
    case("GKE022", "json", gcloud!("  \"releaseChannel\": {\"channel\": \"UNSPECIFIED\"},\n", ""), Fail, "prod", Value("\"channel\"")),
    case("GKE022", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n}\n", Pass, "google_container_cluster.c", Token("resource")),
    // GKE023
    case("GKE023", "json", gcloud!("  \"binaryAuthorization\": {\"evaluationMode\": \"DISABLED\"},\n", ""), Fail, "prod", Value("\"evaluationMode\"")),
    case("GKE023", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool    = true\n  enable_binary_authorization = true\n}\n", Pass, "google_container_cluster.c", Value("enable_binary_authorization")),
    // GKE024
    case("GKE024", "json", gcloud!("  \"networkConfig\": {\"enableIntraNodeVisibility\": true},\n", ""), Pass, "prod", Value("\"enableIntraNodeVisibility\"")),
    case("GKE024", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n}\n", Fail, "google_container_cluster.c", Token("resource")),
    // GKE025 / GKE026
    case("GKE025", "json", gcloud!("  \"loggingService\": \"none\",\n", ""), Fail, "prod", Value("\"loggingService\"")),
    case("GKE025", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  logging_config {\n    enable_components = []\n  }\n}\n", Fail, "google_container_cluster.c", Value("enable_components")),
    case("GKE026", "json", gcloud!("", ""), Pass, "prod", Token("\"name\": \"prod\"")),
    case("GKE026", "json", gcloud!("  \"monitoringService\": \"none\",\n", ""), Fail, "prod", Value("\"monitoringService\"")),
    // GKE027
    case("GKE027", "json", gcloud!("  \"databaseEncryption\": {\"state\": \"DECRYPTED\"},\n", ""), Fail, "prod", Value("\"state\"")),
    case("GKE027", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  database_encryption {\n    state    = \"ENCRYPTED\"\n    key_name = google_kms_crypto_key.k.id\n  }\n}\n", Pass, "google_container_cluster.c", Value("state")),
    // GKE028
    case("GKE028", "json", gcloud!("  \"addonsConfig\": {\"kubernetesDashboard\": {\"disabled\": true}},\n", ""), Pass, "prod", Value("\"disabled\"")),
    case("GKE028", "json", "{\"name\": \"old\", \"addonsConfig\": {}, \"nodePools\": []}\n", Unknown, "old", Token("\"name\": \"old\"")),
    case("GKE028", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  addons_config {\n    kubernetes_dashboard {\n      disabled = false\n    }\n  }\n}\n", Fail, "google_container_cluster.c", Value("disabled")),
    // GKE029
    case("GKE029", "json", gcloud!("  \"enableKubernetesAlpha\": true,\n", ""), Fail, "prod", Value("\"enableKubernetesAlpha\"")),
    case("GKE029", "json", AUTOPILOT, Pass, "prod", Value("\"enabled\"")),
    // GKE030
    case("GKE030", "json", gcloud!("  \"ipAllocationPolicy\": {\"useIpAliases\": true},\n", ""), Pass, "prod", Value("\"useIpAliases\"")),
    case("GKE030", "json", gcloud!("", ""), Fail, "prod", Token("\"name\": \"prod\"")),
    case("GKE030", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  networking_mode          = \"ROUTES\"\n}\n", Fail, "google_container_cluster.c", Value("networking_mode")),
    case("GKE030", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n}\n", Unknown, "google_container_cluster.c", Token("resource")),
    // GKE031
    case("GKE031", "json", gcloud!("  \"authenticatorGroupsConfig\": {\"enabled\": true, \"securityGroup\": \"gke-security-groups@acme.example\"},\n", ""), Pass, "prod", Value("\"securityGroup\"")),
    case("GKE031", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n}\n", Fail, "google_container_cluster.c", Token("resource")),
    // GKE032
    case("GKE032", "json", gcloud!("", "      \"config\": {\"bootDiskKmsKey\": \"projects/p/locations/l/keyRings/r/cryptoKeys/k\"},\n"), Pass, "apps", Value("\"bootDiskKmsKey\"")),
    case("GKE032", "tf", "resource \"google_container_node_pool\" \"apps\" {\n  cluster = \"c\"\n}\n", Fail, "google_container_node_pool.apps", Token("resource")),
    case("GKE017", "json", gcloud!("", "      \"config\": {\"imageType\": \"WINDOWS_LTSC_CONTAINERD\"},\n"), Unknown, "apps", Token("\"name\": \"apps\"")),
    // Filling every rule's matrix: fail, pass, default and Autopilot, in gcloud and Terraform.
    case("GKE003", "tf", "resource \"google_container_cluster\" \"c\" {\n  enable_autopilot = true\n}\nresource \"google_container_node_pool\" \"apps\" {\n  cluster = google_container_cluster.c.name\n}\n", Pass, "google_container_node_pool.apps", Token("resource \"google_container_node_pool\"")),
    case("GKE004", "tf", "resource \"google_container_node_pool\" \"apps\" {\n  cluster = \"c\"\n  node_config {\n    metadata = {\n      disable-legacy-endpoints = \"true\"\n    }\n  }\n}\n", Pass, "google_container_node_pool.apps", Token("{\n      disable")),
    case("GKE004", "json", AUTOPILOT, Pass, "apps", Token("\"name\": \"apps\"")),
    case("GKE007", "tf", "resource \"google_container_node_pool\" \"apps\" {\n  cluster = \"c\"\n  node_config {\n    service_account = google_service_account.nodes.email\n    oauth_scopes    = [\"cloud-platform\"]\n  }\n}\n", Pass, "google_container_node_pool.apps", Value("oauth_scopes")),
    case("GKE007", "json", AUTOPILOT, Pass, "apps", Token("\"name\": \"apps\"")),
    case("GKE011", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  network_policy {\n    enabled = false\n  }\n}\n", Fail, "google_container_cluster.c", Value("enabled")),
    case("GKE011", "json", AUTOPILOT, Pass, "prod", Value("\"enabled\"")),
    case("GKE012", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  private_cluster_config {\n    enable_private_nodes = true\n  }\n}\n", Pass, "google_container_cluster.c", Value("enable_private_nodes")),
    case("GKE013", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n}\n", Fail, "google_container_cluster.c", Token("resource")),
    case("GKE013", "json", AUTOPILOT, Fail, "prod", Token("\"name\": \"prod\"")),
    case("GKE014", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n}\n", Fail, "google_container_cluster.c", Token("resource")),
    case("GKE015", "json", gcloud!("  \"masterAuthorizedNetworksConfig\": {\"enabled\": true, \"cidrBlocks\": [{\"cidrBlock\": \"203.0.113.0/24\"}]},\n", ""), Pass, "prod", Token("\"203.0.113.0/24\"")),
    case("GKE015", "json", gcloud!("  \"autopilot\": {\"enabled\": true},\n  \"masterAuthorizedNetworksConfig\": {\"enabled\": true, \"cidrBlocks\": [{\"cidrBlock\": \"0.0.0.0/0\"}]},\n", ""), Fail, "prod", Token("\"0.0.0.0/0\"")),
    case("GKE016", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  enable_shielded_nodes    = true\n}\n", Pass, "google_container_cluster.c", Value("enable_shielded_nodes")),
    case("GKE017", "tf", "resource \"google_container_node_pool\" \"apps\" {\n  cluster = \"c\"\n  node_config {\n    shielded_instance_config {\n      enable_secure_boot = true\n    }\n  }\n}\n", Pass, "google_container_node_pool.apps", Value("enable_secure_boot")),
    case("GKE017", "json", AUTOPILOT, Pass, "apps", Token("\"name\": \"apps\"")),
    case("GKE018", "json", gcloud!("", "      \"config\": {\"shieldedInstanceConfig\": {\"enableIntegrityMonitoring\": true}},\n"), Pass, "apps", Value("\"enableIntegrityMonitoring\"")),
    case("GKE018", "tf", "resource \"google_container_node_pool\" \"apps\" {\n  cluster = \"c\"\n  node_config {\n    shielded_instance_config {\n      enable_integrity_monitoring = false\n    }\n  }\n}\n", Fail, "google_container_node_pool.apps", Value("enable_integrity_monitoring")),
    case("GKE018", "json", AUTOPILOT, Pass, "apps", Token("\"name\": \"apps\"")),
    case("GKE019", "json", gcloud!("", "      \"management\": {\"autoRepair\": true},\n"), Pass, "apps", Value("\"autoRepair\"")),
    case("GKE019", "json", gcloud!("", ""), Fail, "apps", Token("\"name\": \"apps\"")),
    case("GKE019", "tf", "resource \"google_container_node_pool\" \"apps\" {\n  cluster = \"c\"\n}\n", Pass, "google_container_node_pool.apps", Token("resource")),
    case("GKE019", "json", AUTOPILOT, Pass, "apps", Token("\"name\": \"apps\"")),
    case("GKE020", "json", gcloud!("", "      \"management\": {\"autoRepair\": true},\n"), Fail, "apps", Token("\"name\": \"apps\"")),
    case("GKE020", "tf", "resource \"google_container_node_pool\" \"apps\" {\n  cluster = \"c\"\n  management {\n    auto_upgrade = false\n  }\n}\n", Fail, "google_container_node_pool.apps", Value("auto_upgrade")),
    case("GKE020", "tf", "resource \"google_container_node_pool\" \"apps\" {\n  cluster = \"c\"\n}\n", Pass, "google_container_node_pool.apps", Token("resource")),
    case("GKE021", "json", gcloud!("", "      \"config\": {\"imageType\": \"COS_CONTAINERD\"},\n"), Pass, "apps", Value("\"imageType\"")),
    case("GKE021", "json", gcloud!("", "      \"config\": {},\n"), Pass, "apps", Token("\"name\": \"apps\"")),
    case("GKE021", "tf", "resource \"google_container_node_pool\" \"apps\" {\n  cluster = \"c\"\n  node_config {\n    image_type = \"UBUNTU_CONTAINERD\"\n  }\n}\n", Fail, "google_container_node_pool.apps", Value("image_type")),
    case("GKE021", "json", AUTOPILOT, Pass, "apps", Token("\"name\": \"apps\"")),
    case("GKE022", "json", gcloud!("  \"releaseChannel\": {\"channel\": \"STABLE\"},\n", ""), Pass, "prod", Value("\"channel\"")),
    case("GKE022", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  release_channel {\n    channel = \"UNSPECIFIED\"\n  }\n}\n", Fail, "google_container_cluster.c", Value("channel =")),
    case("GKE022", "json", AUTOPILOT, Pass, "prod", Value("\"enabled\"")),
    case("GKE023", "json", gcloud!("  \"binaryAuthorization\": {\"evaluationMode\": \"PROJECT_SINGLETON_POLICY_ENFORCE\"},\n", ""), Pass, "prod", Value("\"evaluationMode\"")),
    case("GKE023", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  binary_authorization {\n    evaluation_mode = \"DISABLED\"\n  }\n}\n", Fail, "google_container_cluster.c", Value("evaluation_mode")),
    case("GKE023", "json", gcloud!("", ""), Fail, "prod", Token("\"name\": \"prod\"")),
    case("GKE023", "json", AUTOPILOT, Fail, "prod", Token("\"name\": \"prod\"")),
    case("GKE024", "json", gcloud!("", ""), Fail, "prod", Token("\"name\": \"prod\"")),
    case("GKE024", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  enable_intranode_visibility = true\n}\n", Pass, "google_container_cluster.c", Value("enable_intranode_visibility")),
    case("GKE024", "json", AUTOPILOT, Fail, "prod", Token("\"name\": \"prod\"")),
    case("GKE025", "json", gcloud!("  \"loggingService\": \"logging.googleapis.com/kubernetes\",\n", ""), Pass, "prod", Value("\"loggingService\"")),
    case("GKE025", "json", gcloud!("", ""), Pass, "prod", Token("\"name\": \"prod\"")),
    case("GKE025", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  logging_service = \"logging.googleapis.com/kubernetes\"\n}\n", Pass, "google_container_cluster.c", Value("logging_service")),
    case("GKE025", "json", AUTOPILOT, Pass, "prod", Token("\"name\": \"prod\"")),
    case("GKE026", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  monitoring_service = \"none\"\n}\n", Fail, "google_container_cluster.c", Value("monitoring_service")),
    case("GKE026", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n}\n", Pass, "google_container_cluster.c", Token("resource")),
    case("GKE026", "json", AUTOPILOT, Pass, "prod", Token("\"name\": \"prod\"")),
    case("GKE027", "json", gcloud!("  \"databaseEncryption\": {\"state\": \"ENCRYPTED\", \"keyName\": \"k\"},\n", ""), Pass, "prod", Value("\"state\"")),
    case("GKE027", "json", gcloud!("", ""), Fail, "prod", Token("\"name\": \"prod\"")),
    case("GKE027", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  database_encryption {\n    state = \"DECRYPTED\"\n  }\n}\n", Fail, "google_container_cluster.c", Value("state")),
    case("GKE027", "json", AUTOPILOT, Fail, "prod", Token("\"name\": \"prod\"")),
    case("GKE028", "json", "{\"name\": \"old\", \"currentMasterVersion\": \"1.9.7-gke.11\", \"addonsConfig\": {\"kubernetesDashboard\": {}}, \"nodePools\": []}\n", Fail, "old", Value("\"currentMasterVersion\"")),
    case("GKE028", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n}\n", Pass, "google_container_cluster.c", Token("resource")),
    case("GKE028", "json", AUTOPILOT, Pass, "prod", Value("\"enabled\"")),
    case("GKE029", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  enable_kubernetes_alpha = true\n}\n", Fail, "google_container_cluster.c", Value("enable_kubernetes_alpha")),
    case("GKE029", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  enable_kubernetes_alpha = false\n}\n", Pass, "google_container_cluster.c", Value("enable_kubernetes_alpha")),
    case("GKE029", "json", gcloud!("", ""), Pass, "prod", Token("\"name\": \"prod\"")),
    case("GKE030", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  networking_mode = \"VPC_NATIVE\"\n}\n", Pass, "google_container_cluster.c", Value("networking_mode")),
    case("GKE030", "json", AUTOPILOT, Pass, "prod", Value("\"enabled\"")),
    case("GKE031", "json", gcloud!("", ""), Fail, "prod", Token("\"name\": \"prod\"")),
    case("GKE031", "tf", "resource \"google_container_cluster\" \"c\" {\n  remove_default_node_pool = true\n  authenticator_groups_config {\n    security_group = \"gke-security-groups@acme.example\"\n  }\n}\n", Pass, "google_container_cluster.c", Value("security_group")),
    case("GKE031", "json", AUTOPILOT, Fail, "prod", Token("\"name\": \"prod\"")),
    case("GKE032", "json", gcloud!("", "      \"config\": {},\n"), Fail, "apps", Token("\"name\": \"apps\"")),
    case("GKE032", "tf", "resource \"google_container_node_pool\" \"apps\" {\n  cluster = \"c\"\n  node_config {\n    boot_disk_kms_key = google_kms_crypto_key.nodes.id\n  }\n}\n", Pass, "google_container_node_pool.apps", Value("boot_disk_kms_key")),
    case("GKE032", "json", AUTOPILOT, Fail, "apps", Token("\"name\": \"apps\"")),
];

/// Writes a JSON document as block YAML, the way `gcloud --format=yaml` lays it out.
fn yaml(value: &serde_json::Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                match v {
                    serde_json::Value::Object(m) if !m.is_empty() => {
                        out.push_str(&format!("{pad}{k}:\n"));
                        yaml(v, indent + 2, out);
                    }
                    serde_json::Value::Array(a) if !a.is_empty() => {
                        out.push_str(&format!("{pad}{k}:\n"));
                        yaml(v, indent, out);
                    }
                    _ => out.push_str(&format!("{pad}{k}: {}\n", scalar(v))),
                }
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                let mut inner = String::new();
                yaml(item, indent + 2, &mut inner);
                if item.is_object() || item.is_array() {
                    out.push_str(&format!("{pad}- {}", &inner[indent + 2..]));
                } else {
                    out.push_str(&format!("{pad}- {}\n", scalar(item)));
                }
            }
        }
        v => out.push_str(&format!("{pad}{}\n", scalar(v))),
    }
}

fn scalar(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Object(_) => "{}".into(),
        serde_json::Value::Array(_) => "[]".into(),
        other => other.to_string(),
    }
}

/// The (line, column) of `at` in `text`, for the input's format.
fn expected(text: &str, format: &str, at: At) -> (usize, usize) {
    let offset = match at {
        Token(t) => {
            let t = yaml_token(t, format);
            text.find(&t)
                .unwrap_or_else(|| panic!("{t:?} is not in\n{text}"))
        }
        Value(key) => {
            let key = yaml_token(key, format);
            let start = text
                .find(&key)
                .unwrap_or_else(|| panic!("{key:?} is not in\n{text}"))
                + key.len();
            let rest = &text[start..];
            let skip = rest
                .find(|c: char| !matches!(c, ' ' | ':' | '=' | '\n'))
                .unwrap();
            start + skip
        }
    };
    let line = text[..offset].matches('\n').count() + 1;
    let column = offset - text[..offset].rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, column)
}

/// A JSON token as it reads in the YAML rendering: `"key": "v"` becomes `key: "v"`.
fn yaml_token(token: &str, format: &str) -> String {
    if format != "yaml" {
        return token.to_string();
    }
    if token.len() > 1
        && token.starts_with('"')
        && token.ends_with('"')
        && !token.contains(':')
        && !token.contains('/')
    {
        // A key alone.
        return token.trim_matches('"').to_string();
    }
    // Keep only the last key of a multi-line JSON token, and unquote keys.
    let last = token
        .rsplit('\n')
        .next()
        .unwrap()
        .trim_start_matches(['{', ' ']);
    let mut out = String::new();
    let mut rest = last;
    while let Some(i) = rest.find("\":") {
        let key_start = rest[..i].rfind('"').unwrap();
        out.push_str(&rest[..key_start]);
        out.push_str(&rest[key_start + 1..i]);
        out.push(':');
        rest = &rest[i + 2..];
    }
    out.push_str(rest);
    out.trim_start_matches(['{', ' ']).to_string()
}

fn run(rule: &str, format: &str, text: &str, resource: &str, status: Status, at: At) {
    let name = if format == "tf" {
        "main.tf"
    } else if format == "yaml" {
        "c.yaml"
    } else {
        "c.json"
    };
    let report = check(
        &[Input::new(name, text)],
        &Options {
            select: vec![rule.into()],
            ..Options::default()
        },
    );
    let found: Vec<_> = report
        .results
        .iter()
        .filter(|r| {
            &*r.resource.address == resource
                || r.resource.address.ends_with(&format!("/{resource}"))
        })
        .collect();
    assert_eq!(
        found.len(),
        1,
        "{rule} {format}: one result for {resource}, found {:#?}\n{text}",
        report.results
    );
    let r = found[0];
    assert_eq!(r.status, status, "{rule} {format}: {}\n{text}", r.message);
    let (line, column) = expected(text, format, at);
    assert_eq!(
        (r.location.line, r.location.column),
        (line, column),
        "{rule} {format}: {} points elsewhere\n{text}",
        r.message
    );
    if status != Status::Pass {
        assert!(r.remediation.is_some(), "{rule} {format}: no remediation");
    }
}

#[test]
fn every_case_in_every_format() {
    let mut rules = std::collections::BTreeSet::new();
    for c in CASES {
        rules.insert(c.rule);
        run(c.rule, c.format, c.text, c.resource, c.status, c.at);
        if c.format == "json" {
            let doc: serde_json::Value = serde_json::from_str(c.text).unwrap();
            let mut text = String::new();
            yaml(&doc, 0, &mut text);
            run(c.rule, "yaml", &text, c.resource, c.status, c.at);
        }
    }
    // Every rule of the pack has the whole matrix here: a failing and a passing case in gcloud
    // and in Terraform, a case with the setting left out (the finding points at the
    // resource's head), and an Autopilot case. GKE003 judges Terraform only.
    let covered_elsewhere = [
        "GKE001", "GKE002", "GKE005", "GKE006", "GKE008", "GKE009", "GKE010", "GKE033", "GKE034",
    ];
    for rule in gkecheck::rules::RULES
        .iter()
        .filter(|r| !covered_elsewhere.contains(&r.id))
    {
        assert!(rules.contains(rule.id), "no cases for {}", rule.id);
        let mine: Vec<&Case> = CASES.iter().filter(|c| c.rule == rule.id).collect();
        let has = |format: &str, status: Status| {
            mine.iter()
                .any(|c| c.format == format && c.status == status)
        };
        let formats: &[&str] = if rule.id == "GKE003" {
            &["tf"]
        } else {
            &["json", "tf"]
        };
        for format in formats {
            assert!(
                has(format, Fail) && has(format, Pass),
                "{}: a failing and a passing {format} case",
                rule.id
            );
        }
        assert!(
            mine.iter().any(|c| matches!(c.at, Token(_))),
            "{}: a case with the setting left out",
            rule.id
        );
        assert!(
            mine.iter()
                .any(|c| c.text.contains("\"autopilot\": {\"enabled\": true}")
                    || c.text.contains("enable_autopilot = true")),
            "{}: an Autopilot case",
            rule.id
        );
    }
}

#[test]
fn a_hardened_terraform_cluster_passes_every_rule_and_needs_no_fix() {
    let text = include_str!("fixtures/terraform/hardened/main.tf");
    let inputs = [Input::new("hardened/main.tf", text)];
    let report = check(&inputs, &Options::default());
    let not_passing: Vec<_> = report
        .results
        .iter()
        .filter(|r| r.status != Status::Pass)
        .map(|r| (&r.rule, &r.message))
        .collect();
    assert!(not_passing.is_empty(), "{not_passing:#?}");
    let ran: std::collections::BTreeSet<&str> = report.results.iter().map(|r| r.rule).collect();
    // GKE006 and GKE033 need an IAM policy; GKE034, live output beside the Terraform.
    assert_eq!(ran.len(), gkecheck::rules::RULES.len() - 3, "{ran:?}");
    let fixed = gkecheck::autofix::fix(&inputs, &Options::default());
    assert!(fixed.files.is_empty() && fixed.skipped.is_empty());
}

#[test]
fn a_hardened_cluster_passes_every_rule() {
    let text = include_str!("fixtures/gcloud/hardened-cluster.json");
    let report = check(&[Input::new("hardened.json", text)], &Options::default());
    let not_passing: Vec<_> = report
        .results
        .iter()
        .filter(|r| r.status != Status::Pass)
        .map(|r| (&r.rule, &r.message))
        .collect();
    assert!(not_passing.is_empty(), "{not_passing:#?}");
    let ran: std::collections::BTreeSet<&str> = report.results.iter().map(|r| r.rule).collect();
    // GKE003 is Terraform-only; GKE006 and GKE033 need an IAM policy; GKE034, Terraform beside
    // the live output.
    assert_eq!(ran.len(), gkecheck::rules::RULES.len() - 4, "{ran:?}");
}

/// Plans go through the same reading as Terraform configuration: lists, map entries, repeated
/// blocks and block presence come out of `planned_values` alike.
#[test]
fn plans_read_the_same_settings() {
    let plan = r#"{"format_version": "1.2", "terraform_version": "1.9.5", "planned_values": {"root_module": {"resources": [
 {"address": "google_container_cluster.c", "mode": "managed", "type": "google_container_cluster", "name": "c",
  "values": {"name": "c", "remove_default_node_pool": true, "enable_shielded_nodes": false,
   "master_authorized_networks_config": [{"cidr_blocks": [{"cidr_block": "0.0.0.0/1"}, {"cidr_block": "128.0.0.0/1"}]}],
   "release_channel": [{"channel": "STABLE"}], "logging_service": "none"}},
 {"address": "google_container_node_pool.apps", "mode": "managed", "type": "google_container_node_pool", "name": "apps",
  "values": {"name": "apps", "cluster": "c", "management": [{"auto_repair": false, "auto_upgrade": true}],
   "node_config": [{"metadata": {"disable-legacy-endpoints": "false"}, "oauth_scopes": ["https://www.googleapis.com/auth/cloud-platform"],
     "image_type": "UBUNTU_CONTAINERD", "shielded_instance_config": [{"enable_secure_boot": true, "enable_integrity_monitoring": false}]}]}}
]}}}"#;
    let report = check(&[Input::new("plan.json", plan)], &Options::default());
    let status = |rule: &str, address: &str| {
        report
            .results
            .iter()
            .find(|r| r.rule == rule && &*r.resource.address == address)
            .unwrap_or_else(|| panic!("no {rule} result for {address}"))
            .status
    };
    let cluster = "google_container_cluster.c";
    let pool = "google_container_node_pool.apps";
    for (rule, address, expected) in [
        ("GKE014", cluster, Pass),
        ("GKE015", cluster, Fail),
        ("GKE016", cluster, Fail),
        ("GKE022", cluster, Pass),
        ("GKE025", cluster, Fail),
        ("GKE004", pool, Fail),
        ("GKE007", pool, Fail),
        ("GKE017", pool, Pass),
        ("GKE018", pool, Fail),
        ("GKE019", pool, Fail),
        ("GKE020", pool, Pass),
        ("GKE021", pool, Fail),
    ] {
        assert_eq!(status(rule, address), expected, "{rule} {address}");
    }
}

/// Node-pool rules see the pools GKE001 sees: inline pools by index, no default pool when
/// `remove_default_node_pool` deletes it, and an uncertain pool's failure is unknown.
#[test]
fn pool_rules_follow_the_pools_that_exist() {
    let text = r#"variable "drop" {}
resource "google_container_cluster" "c" {
  remove_default_node_pool = var.drop
  node_pool {
    name = "default-pool"
  }
  node_pool {
    name = "apps"
    management {
      auto_repair = false
    }
  }
}
resource "google_container_cluster" "gone" {
  remove_default_node_pool = true
}
"#;
    let report = check(
        &[Input::new("main.tf", text)],
        &Options {
            select: vec!["GKE019".into(), "GKE017".into()],
            ..Options::default()
        },
    );
    let of = |address: &str, rule: &str| {
        report
            .results
            .iter()
            .filter(|r| &*r.resource.address == address && r.rule == rule)
            .map(|r| r.status)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        of("google_container_cluster.c.node_pool[1]", "GKE019"),
        [Fail]
    );
    assert_eq!(
        of("google_container_cluster.c.node_pool[0]", "GKE019"),
        [Pass]
    );
    // The pool named default-pool exists only if var.drop is false: its failure is unknown.
    assert_eq!(
        of("google_container_cluster.c.node_pool[0]", "GKE017"),
        [Unknown]
    );
    assert!(report.results.iter().all(|r| !r
        .resource
        .address
        .starts_with("google_container_cluster.gone")));
}

/// One ranking everywhere: failing, unknown, suppressed, passing; within each, critical, high,
/// medium, low; then by rule, then by place in the input.
#[test]
fn results_are_ranked_worst_first() {
    let text = gcloud!("", "");
    let report = check(&[Input::new("c.json", text)], &Options::default());
    let keys: Vec<_> = report
        .results
        .iter()
        .map(|r| (r.status.rank(), r.severity, r.rule, r.location.offset))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(report.results[0].status, Fail);
    assert_eq!(
        report.results.last().unwrap().status,
        gkecheck::report::Status::Pass
    );
}

/// A pool whose cluster is not in the input says plainly that its nodes are public, without
/// claiming to override a cluster it cannot see.
#[test]
fn a_lone_public_pool() {
    let text = r#"{"name": "apps", "config": {}, "networkConfig": {"enablePrivateNodes": false},
 "selfLink": "https://container.googleapis.com/v1/projects/p/locations/l/clusters/c/nodePools/apps"}"#;
    let report = check(
        &[Input::new("pool.json", text)],
        &Options {
            select: vec!["GKE012".into()],
            ..Options::default()
        },
    );
    assert_eq!(report.results.len(), 1);
    let r = &report.results[0];
    assert_eq!(r.status, Fail);
    assert!(
        r.message
            .starts_with("This pool's nodes have public IP addresses:"),
        "{}",
        r.message
    );
    assert!(!r.message.contains("overrides"), "{}", r.message);
}
