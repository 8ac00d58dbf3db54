//! Where each format writes the settings the hardening rules read: one table, read by the
//! gcloud loader and by the Terraform builder (configuration and plans alike).

use crate::input::json::{Json, Kind};
use crate::input::terraform::build::View;
use crate::model::{Field, Key, Settings, Value};
use crate::span::Span;

/// How a setting is written at the end of its path.
#[derive(Clone, Copy)]
pub enum Shape {
    /// A boolean.
    Flag,
    /// A string (or number).
    Text,
    /// A list of strings.
    List,
    /// A list of objects (or repeated blocks), taking this member of each.
    ListOf(&'static str),
    /// A map (`metadata`), taking this entry.
    Entry(&'static str),
    /// A block whose presence turns the setting on (Terraform's
    /// `master_authorized_networks_config {}`).
    Present,
}

/// One spelling of a setting: the gcloud/API JSON path (camelCase) or the Terraform path
/// (nested blocks, then the attribute). A key may have several; the first one set wins.
pub struct Spec {
    pub key: Key,
    pub path: &'static [&'static str],
    pub shape: Shape,
}

const fn spec(key: Key, path: &'static [&'static str], shape: Shape) -> Spec {
    Spec { key, path, shape }
}

use Key::*;
use Shape::*;

/// Cluster settings in `gcloud container clusters describe --format=json` and the API.
pub static GCLOUD_CLUSTER: &[Spec] = &[
    // `legacyAbac: {}` is off, like no legacyAbac at all.
    spec(LegacyAbac, &["legacyAbac", "enabled"], Flag),
    spec(NetworkPolicy, &["networkPolicy", "enabled"], Flag),
    spec(
        DatapathProvider,
        &["networkConfig", "datapathProvider"],
        Text,
    ),
    spec(
        PrivateNodes,
        &["privateClusterConfig", "enablePrivateNodes"],
        Flag,
    ),
    spec(
        DefaultPrivateNodes,
        &["networkConfig", "defaultEnablePrivateNodes"],
        Flag,
    ),
    spec(
        PrivateEndpoint,
        &["privateClusterConfig", "enablePrivateEndpoint"],
        Flag,
    ),
    spec(
        IpEndpoints,
        &[
            "controlPlaneEndpointsConfig",
            "ipEndpointsConfig",
            "enabled",
        ],
        Flag,
    ),
    spec(
        PublicEndpoint,
        &[
            "controlPlaneEndpointsConfig",
            "ipEndpointsConfig",
            "enablePublicEndpoint",
        ],
        Flag,
    ),
    spec(
        AuthorizedNetworks,
        &["masterAuthorizedNetworksConfig", "enabled"],
        Flag,
    ),
    spec(
        AuthorizedCidrs,
        &["masterAuthorizedNetworksConfig", "cidrBlocks"],
        ListOf("cidrBlock"),
    ),
    spec(
        EndpointAuthorizedNetworks,
        &[
            "controlPlaneEndpointsConfig",
            "ipEndpointsConfig",
            "authorizedNetworksConfig",
            "enabled",
        ],
        Flag,
    ),
    spec(
        EndpointAuthorizedCidrs,
        &[
            "controlPlaneEndpointsConfig",
            "ipEndpointsConfig",
            "authorizedNetworksConfig",
            "cidrBlocks",
        ],
        ListOf("cidrBlock"),
    ),
    spec(ShieldedNodes, &["shieldedNodes", "enabled"], Flag),
    spec(ReleaseChannel, &["releaseChannel", "channel"], Text),
    spec(
        BinaryAuthorization,
        &["binaryAuthorization", "enabled"],
        Flag,
    ),
    spec(
        BinaryAuthorizationMode,
        &["binaryAuthorization", "evaluationMode"],
        Text,
    ),
    spec(
        IntranodeVisibility,
        &["networkConfig", "enableIntraNodeVisibility"],
        Flag,
    ),
    spec(LoggingService, &["loggingService"], Text),
    spec(MonitoringService, &["monitoringService"], Text),
    spec(DatabaseEncryption, &["databaseEncryption", "state"], Text),
    spec(
        Dashboard,
        &["addonsConfig", "kubernetesDashboard", "disabled"],
        Flag,
    ),
    spec(MasterVersion, &["currentMasterVersion"], Text),
    spec(Alpha, &["enableKubernetesAlpha"], Flag),
    spec(IpAliases, &["ipAllocationPolicy", "useIpAliases"], Flag),
    spec(
        SecurityGroup,
        &["authenticatorGroupsConfig", "securityGroup"],
        Text,
    ),
];

/// Node pool settings in `gcloud container node-pools describe --format=json` and the API.
pub static GCLOUD_POOL: &[Spec] = &[
    spec(
        LegacyEndpoints,
        &["config", "metadata"],
        Entry("disable-legacy-endpoints"),
    ),
    spec(OauthScopes, &["config", "oauthScopes"], List),
    spec(
        SecureBoot,
        &["config", "shieldedInstanceConfig", "enableSecureBoot"],
        Flag,
    ),
    spec(
        IntegrityMonitoring,
        &[
            "config",
            "shieldedInstanceConfig",
            "enableIntegrityMonitoring",
        ],
        Flag,
    ),
    spec(AutoRepair, &["management", "autoRepair"], Flag),
    spec(AutoUpgrade, &["management", "autoUpgrade"], Flag),
    spec(ImageType, &["config", "imageType"], Text),
    spec(BootDiskKms, &["config", "bootDiskKmsKey"], Text),
    spec(
        PoolPrivateNodes,
        &["networkConfig", "enablePrivateNodes"],
        Flag,
    ),
];

/// `google_container_cluster` arguments (provider v4 and later; older names where they differ).
pub static TERRAFORM_CLUSTER: &[Spec] = &[
    spec(LegacyAbac, &["enable_legacy_abac"], Flag),
    spec(NetworkPolicy, &["network_policy", "enabled"], Flag),
    spec(DatapathProvider, &["datapath_provider"], Text),
    spec(
        PrivateNodes,
        &["private_cluster_config", "enable_private_nodes"],
        Flag,
    ),
    spec(
        PrivateEndpoint,
        &["private_cluster_config", "enable_private_endpoint"],
        Flag,
    ),
    spec(
        IpEndpoints,
        &[
            "control_plane_endpoints_config",
            "ip_endpoints_config",
            "enabled",
        ],
        Flag,
    ),
    spec(
        AuthorizedNetworks,
        &["master_authorized_networks_config"],
        Present,
    ),
    spec(
        AuthorizedCidrs,
        &["master_authorized_networks_config", "cidr_blocks"],
        ListOf("cidr_block"),
    ),
    spec(ShieldedNodes, &["enable_shielded_nodes"], Flag),
    spec(ReleaseChannel, &["release_channel", "channel"], Text),
    spec(
        BinaryAuthorizationMode,
        &["binary_authorization", "evaluation_mode"],
        Text,
    ),
    spec(
        BinaryAuthorization,
        &["binary_authorization", "enabled"],
        Flag,
    ),
    spec(BinaryAuthorization, &["enable_binary_authorization"], Flag),
    spec(IntranodeVisibility, &["enable_intranode_visibility"], Flag),
    spec(LoggingService, &["logging_service"], Text),
    spec(
        LoggingComponents,
        &["logging_config", "enable_components"],
        List,
    ),
    spec(MonitoringService, &["monitoring_service"], Text),
    spec(
        MonitoringComponents,
        &["monitoring_config", "enable_components"],
        List,
    ),
    spec(MasterVersion, &["min_master_version"], Text),
    spec(DatabaseEncryption, &["database_encryption", "state"], Text),
    spec(
        Dashboard,
        &["addons_config", "kubernetes_dashboard", "disabled"],
        Flag,
    ),
    spec(Alpha, &["enable_kubernetes_alpha"], Flag),
    spec(IpAllocationPolicy, &["ip_allocation_policy"], Present),
    spec(NetworkingMode, &["networking_mode"], Text),
    spec(
        SecurityGroup,
        &["authenticator_groups_config", "security_group"],
        Text,
    ),
];

/// `google_container_node_pool` arguments, inline `node_pool` blocks, and (for the paths
/// under `node_config`) a cluster's default pool.
pub static TERRAFORM_POOL: &[Spec] = &[
    spec(
        LegacyEndpoints,
        &["node_config", "metadata"],
        Entry("disable-legacy-endpoints"),
    ),
    spec(OauthScopes, &["node_config", "oauth_scopes"], List),
    spec(
        SecureBoot,
        &[
            "node_config",
            "shielded_instance_config",
            "enable_secure_boot",
        ],
        Flag,
    ),
    spec(
        IntegrityMonitoring,
        &[
            "node_config",
            "shielded_instance_config",
            "enable_integrity_monitoring",
        ],
        Flag,
    ),
    spec(AutoRepair, &["management", "auto_repair"], Flag),
    spec(AutoUpgrade, &["management", "auto_upgrade"], Flag),
    spec(ImageType, &["node_config", "image_type"], Text),
    spec(BootDiskKms, &["node_config", "boot_disk_kms_key"], Text),
    spec(
        PoolPrivateNodes,
        &["network_config", "enable_private_nodes"],
        Flag,
    ),
];

/// Reads `specs` from a gcloud/API object.
pub fn from_json(doc: &Json, specs: &[Spec]) -> Settings {
    let mut settings = Settings::default();
    for s in specs {
        if !settings.get(s.key).is_absent() {
            continue;
        }
        settings.set(s.key, json_field(doc, s));
    }
    settings.shrink_to_fit();
    settings
}

fn json_field(doc: &Json, s: &Spec) -> Field<Value> {
    let Some(j) = doc.path(s.path).filter(|j| !j.is_null()) else {
        return Field::Absent;
    };
    let value = match (s.shape, &j.kind) {
        (Entry(key), _) => match j.get(key) {
            Some(v) if !v.is_null() => return Field::known(json_scalar(v), v.span),
            _ => return Field::Absent,
        },
        (List, Kind::Array(items)) => {
            Value::List(items.iter().map(|i| (scalar_text(i), i.span)).collect())
        }
        (ListOf(member), Kind::Array(items)) => Value::List(
            items
                .iter()
                .filter_map(|i| i.get(member))
                .map(|v| (scalar_text(v), v.span))
                .collect(),
        ),
        (Present, _) => Value::Bool(true),
        _ => json_scalar(j),
    };
    Field::known(value, j.span)
}

fn json_scalar(j: &Json) -> Value {
    match &j.kind {
        Kind::Bool(b) => Value::Bool(*b),
        _ => Value::Text(scalar_text(j)),
    }
}

fn scalar_text(j: &Json) -> String {
    match &j.kind {
        Kind::String(s) | Kind::Number(s) => s.clone(),
        Kind::Bool(b) => b.to_string(),
        Kind::Null => String::new(),
        _ => format!("({})", j.type_name()),
    }
}

/// Reads `specs` from a Terraform resource or block (configuration or plan). `only_node_config`
/// limits them to those under `node_config` (a cluster's default pool).
pub fn from_view<V: View>(view: &V, specs: &[Spec], only_node_config: bool) -> Settings {
    let mut settings = Settings::default();
    for s in specs {
        if only_node_config && s.path.first() != Some(&"node_config") {
            continue;
        }
        if !settings.get(s.key).is_absent() {
            continue;
        }
        settings.set(s.key, view_field(view, s.path, s.shape));
    }
    settings.shrink_to_fit();
    settings
}

fn view_field<V: View>(view: &V, path: &[&str], shape: Shape) -> Field<Value> {
    let (last, blocks) = path.split_last().expect("a setting's path is not empty");
    // The blocks on the way: a missing one means the setting is absent.
    let mut at: Option<V> = None;
    for name in blocks {
        let next = match &at {
            None => view.first(name),
            Some(v) => v.first(name),
        };
        match next {
            Err(unknown) => return unknown.field(),
            Ok(None) => return Field::Absent,
            Ok(Some(v)) => at = Some(v),
        }
    }
    let here = at.as_ref().unwrap_or(view);
    match shape {
        Flag => map(here.boolean(last), Value::Bool),
        Text => map(here.string(last), Value::Text),
        List => map(here.strings(last), Value::List),
        Entry(key) => map(here.entry(last, key), Value::Text),
        Present => match here.blocks(last) {
            Err(unknown) => unknown.field(),
            Ok(list) => match list.first() {
                None => Field::Absent,
                Some(b) => Field::known(Value::Bool(true), b.span()),
            },
        },
        ListOf(member) => match here.blocks(last) {
            Err(unknown) => unknown.field(),
            Ok(list) if list.is_empty() => Field::Absent,
            Ok(list) => {
                let mut items = Vec::new();
                let mut whole: Option<Span> = None;
                for b in &list {
                    whole = Some(match whole {
                        None => b.span(),
                        Some(w) => {
                            Span::new(w.start().min(b.span().start()), w.end().max(b.span().end()))
                        }
                    });
                    match b.string(member) {
                        Field::Known { value, span } => items.push((value, span)),
                        Field::Unknown {
                            expr,
                            span,
                            nonempty,
                        } => {
                            return Field::Unknown {
                                expr,
                                span,
                                nonempty,
                            }
                        }
                        Field::Absent => {}
                    }
                }
                Field::known(Value::List(items), whole.unwrap_or(here.span()))
            }
        },
    }
}

fn map<T>(field: Field<T>, wrap: impl Fn(T) -> Value) -> Field<Value> {
    match field {
        Field::Known { value, span } => Field::known(wrap(value), span),
        Field::Unknown {
            expr,
            span,
            nonempty,
        } => Field::Unknown {
            expr,
            span,
            nonempty,
        },
        Field::Absent => Field::Absent,
    }
}
