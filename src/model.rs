//! The one model every input format is parsed into. Rules read only this.

use crate::span::Span;

/// A setting as the input states it.
#[derive(Clone, Debug, PartialEq)]
pub enum Field<T> {
    /// The input gives the value, at `span`.
    Known { value: T, span: Span },
    /// The input sets the field with an expression gkecheck cannot evaluate (a variable without
    /// a default, a data source, another resource's attribute). `nonempty` is true when the
    /// value is certainly a non-empty string even though its exact text is not known (a
    /// template such as `"${data.google_project.p.project_id}.svc.id.goog"`).
    Unknown {
        expr: Expr,
        span: Span,
        nonempty: bool,
    },
    /// The input does not set the field.
    Absent,
}

/// The text of an expression gkecheck cannot evaluate, as a field holds it: one pointer, as
/// few fields are unknown and a model holds a field for every setting of every cluster and
/// pool (a `String` made `Field<bool>` 40 bytes where 24 do).
#[derive(Clone, PartialEq)]
// A boxed `String` is one pointer wide; `Box<str>` and `String` are two and three.
#[allow(clippy::box_collection)]
pub struct Expr(Box<String>);

impl Expr {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Expr {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<String> for Expr {
    fn from(text: String) -> Expr {
        Expr(Box::new(text))
    }
}

impl From<Expr> for String {
    fn from(expr: Expr) -> String {
        *expr.0
    }
}

impl std::fmt::Debug for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self)
    }
}

impl<T> Field<T> {
    pub fn known(value: T, span: Span) -> Field<T> {
        Field::Known { value, span }
    }

    pub fn value(&self) -> Option<&T> {
        match self {
            Field::Known { value, .. } => Some(value),
            _ => None,
        }
    }

    pub fn span(&self) -> Option<Span> {
        match self {
            Field::Known { span, .. } | Field::Unknown { span, .. } => Some(*span),
            Field::Absent => None,
        }
    }

    pub fn is_absent(&self) -> bool {
        matches!(self, Field::Absent)
    }
}

impl Field<String> {
    pub fn as_str(&self) -> Option<&str> {
        self.value().map(String::as_str)
    }
}

/// Where the input's facts come from, which decides what an absent setting means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The live state, as the GKE API (and so gcloud) reports it: an absent setting is off.
    Live,
    /// Desired configuration (Terraform): an absent optional setting is decided by GKE or the
    /// provider when the resource is created.
    Config,
}

/// The place and identity of a cluster or node pool in the input.
#[derive(Clone, Debug, PartialEq)]
pub struct Site {
    /// Index into the inputs given to `check`.
    pub input: usize,
    /// The whole resource, used when a finding has no narrower place.
    pub span: Span,
    /// Where a finding about the resource's name or header points (a Terraform block header,
    /// the `name` member in JSON).
    pub head: Span,
    /// `google_container_node_pool.apps`, `projects/P/locations/L/clusters/C/nodePools/N`.
    /// Shared with the report's resource, which names it too.
    pub address: std::sync::Arc<str>,
    /// True when the input is the text a person edits to fix it (Terraform configuration);
    /// false for API output and plans, whose fix goes elsewhere.
    pub editable: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Cluster {
    pub site: Site,
    pub origin: Origin,
    pub name: Field<String>,
    /// The Terraform resource label, used as the name when `name` is not known.
    pub label: Option<String>,
    pub project: Field<String>,
    pub location: Field<String>,
    pub autopilot: Field<bool>,
    /// `workloadIdentityConfig.workloadPool` (or the older `identityNamespace`).
    pub workload_pool: Field<String>,
    /// For Terraform: where the cluster's `workload_identity_config` block would be written.
    pub insert_at: Span,
    /// Node auto-provisioning (`autoscaling.enableNodeAutoprovisioning`,
    /// `cluster_autoscaling.enabled`).
    pub autoprovisioning: Field<bool>,
    /// The service account of auto-provisioned (and Autopilot) nodes.
    pub autoprovisioning_service_account: Field<String>,
    /// Basic authentication: `masterAuth.username` / `master_auth.username` (and the password).
    pub basic_auth_username: Field<String>,
    pub basic_auth_password: Field<String>,
    /// Whether a client certificate is issued: `masterAuth.clientCertificateConfig
    /// .issueClientCertificate` or an issued `masterAuth.clientCertificate`;
    /// `master_auth.client_certificate_config.issue_client_certificate`.
    pub client_certificate: Field<bool>,
    /// The settings the hardening rules read (network policy, private nodes, ...).
    pub settings: Settings,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PoolKind {
    /// A pool listed by the API (in `nodePools[]` or on its own).
    Listed,
    /// The default pool Terraform builds from a `google_container_cluster`'s own `node_config`.
    Default,
    /// An inline `node_pool` block of a `google_container_cluster` (0-based index).
    Inline(usize),
    /// A `google_container_node_pool` resource.
    Separate,
}

/// How a node pool is tied to its cluster.
#[derive(Clone, Debug, PartialEq)]
pub enum ClusterLink {
    /// `Model::clusters[i]`.
    Index(usize),
    /// The cluster is not in the input (or not told apart). Boxed: most pools have their
    /// cluster, and a pool is held for each of an export's tens of thousands.
    Missing(Box<Missing>),
}

/// What a pool says of a cluster that is not in the input.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Missing {
    /// The cluster's name, when the pool gives it.
    pub name: Option<String>,
    /// How the pool names it (an expression, a `selfLink`, or nothing).
    pub reference: Option<String>,
    /// The Terraform module whose output the reference goes through (`module.gke.name`),
    /// which gkecheck does not follow.
    pub module: Option<String>,
    /// How many clusters of the input fit the name (and the pool's project and location,
    /// where known) and were not told apart; 0 when none does.
    pub alike: usize,
    /// Of a pool of configuration (Terraform, a plan) that fits no cluster of its own
    /// configuration: how many clusters elsewhere in the input (another root
    /// configuration, live output) fit its name, project and location. A pool is joined to
    /// its own configuration's clusters only, so they are named, not joined.
    pub elsewhere: usize,
}

impl From<Missing> for ClusterLink {
    fn from(missing: Missing) -> ClusterLink {
        ClusterLink::Missing(Box::new(missing))
    }
}

impl ClusterLink {
    /// What the pool says of its cluster, when the cluster is not in the input.
    pub fn missing(&self) -> Option<&Missing> {
        match self {
            ClusterLink::Missing(m) => Some(m),
            ClusterLink::Index(_) => None,
        }
    }

    pub fn missing_mut(&mut self) -> Option<&mut Missing> {
        match self {
            ClusterLink::Missing(m) => Some(m),
            ClusterLink::Index(_) => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct NodePool {
    pub site: Site,
    pub origin: Origin,
    pub kind: PoolKind,
    pub name: Field<String>,
    pub label: Option<String>,
    pub cluster: ClusterLink,
    /// Project and location when the pool itself says (a `selfLink`, Terraform attributes).
    pub project: Field<String>,
    pub location: Field<String>,
    /// The `workloadMetadataConfig` / `workload_metadata_config` block itself: its presence,
    /// or Unknown when it comes from something gkecheck cannot expand.
    pub metadata_config: Field<()>,
    pub mode: Field<String>,
    /// The deprecated `nodeMetadata` / `node_metadata` (v1beta1 API, provider v3).
    pub node_metadata: Field<String>,
    /// The nodes' IAM service account (`config.serviceAccount`, `node_config.service_account`).
    pub service_account: Field<String>,
    /// For Terraform: the `node_config` block, when the pool has one.
    pub node_config: Option<Span>,
    /// Set when the pool exists only if an expression gkecheck cannot evaluate allows it
    /// (`remove_default_node_pool = var.x`, a `dynamic "node_pool"` over an unknown
    /// collection): the expression and its place.
    pub uncertain: Option<(Expr, Span)>,
    /// The pool settings the hardening rules read (secure boot, auto-repair, image, ...).
    pub settings: Settings,
}

/// A setting the hardening rules read. How each input format spells it is written once, in
/// `input::settings`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    // Cluster settings.
    LegacyAbac,
    NetworkPolicy,
    DatapathProvider,
    PrivateNodes,
    DefaultPrivateNodes,
    PrivateEndpoint,
    IpEndpoints,
    PublicEndpoint,
    AuthorizedNetworks,
    AuthorizedCidrs,
    EndpointAuthorizedNetworks,
    EndpointAuthorizedCidrs,
    ShieldedNodes,
    ReleaseChannel,
    BinaryAuthorization,
    BinaryAuthorizationMode,
    IntranodeVisibility,
    LoggingService,
    LoggingComponents,
    MonitoringService,
    MonitoringComponents,
    DatabaseEncryption,
    Dashboard,
    MasterVersion,
    Alpha,
    IpAliases,
    IpAllocationPolicy,
    NetworkingMode,
    SecurityGroup,
    // Node pool settings.
    LegacyEndpoints,
    OauthScopes,
    SecureBoot,
    IntegrityMonitoring,
    AutoRepair,
    AutoUpgrade,
    ImageType,
    BootDiskKms,
    PoolPrivateNodes,
}

/// A setting's value as the input writes it.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Bool(bool),
    /// Text, and numbers as text. A value of an unexpected type is written as its source text.
    Text(String),
    /// A list of strings, each with its place.
    List(Vec<(String, Span)>),
}

/// The settings of one cluster or node pool, by key; a key not held is absent.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings(Vec<(Key, Field<Value>)>);

impl Settings {
    /// Gives back the room the list grew into: a model holds one per cluster and pool.
    pub fn shrink_to_fit(&mut self) {
        self.0.shrink_to_fit();
    }

    pub fn get(&self, key: Key) -> &Field<Value> {
        static ABSENT: Field<Value> = Field::Absent;
        self.0
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(&ABSENT, |(_, f)| f)
    }

    pub fn set(&mut self, key: Key, field: Field<Value>) {
        if field.is_absent() {
            return;
        }
        self.0.retain(|(k, _)| *k != key);
        self.0.push((key, field));
    }
}

impl Field<Value> {
    /// A boolean setting: `Some` when known to be a boolean (or the text "true"/"false").
    pub fn flag(&self) -> Option<bool> {
        match self.value()? {
            Value::Bool(b) => Some(*b),
            Value::Text(t) if t == "true" || t == "false" => Some(t == "true"),
            _ => None,
        }
    }

    pub fn text(&self) -> Option<&str> {
        match self.value()? {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }

    pub fn list(&self) -> Option<&[(String, Span)]> {
        match self.value()? {
            Value::List(l) => Some(l),
            _ => None,
        }
    }
}

/// A project's IAM policy (`gcloud projects get-iam-policy PROJECT`), given beside clusters.
#[derive(Clone, Debug, PartialEq)]
pub struct IamPolicy {
    pub input: usize,
    pub bindings: Vec<IamBinding>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct IamBinding {
    pub role: String,
    /// The binding's place (its `role`).
    pub span: Span,
    /// `serviceAccount:EMAIL`, `user:...`, and so on.
    pub members: Vec<String>,
}

/// Everything gkecheck understood of the inputs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Model {
    pub clusters: Vec<Cluster>,
    pub node_pools: Vec<NodePool>,
    /// IAM policies given with the clusters; their project is taken to be the clusters'.
    pub iam: Vec<IamPolicy>,
    /// Projects of clusters and node pools checked with these but not in this model (the
    /// other parts of an input read in parts): a policy is taken to be one project's only
    /// when all of them are of that project.
    pub projects_beside: Vec<String>,
    /// The outputs asked for show no remediation: the rules need not draft it (most do not;
    /// the report leaves out whatever is drafted).
    pub without_remediation: bool,
    /// The rules leave their drafts to be made when the report is written
    /// (`rules::PendingFix::settle`), where they are made one at a time and let go; or never,
    /// when the report only marks the findings that have one
    /// (`Options::remediation_on_request`). GKE006 and GKE034 draft as they judge.
    pub draft_later: bool,
    /// Passing results are only counted (`Options::passing_counted_only`): no one reads a
    /// passing outcome's message, and the rules may leave it empty (`rules::Texts`) rather
    /// than make a text per pool that is let go at once.
    pub passing_counted: bool,
}

impl Model {
    pub fn cluster_of(&self, pool: &NodePool) -> Option<&Cluster> {
        match pool.cluster {
            ClusterLink::Index(i) => self.clusters.get(i),
            ClusterLink::Missing(_) => None,
        }
    }

    pub fn pools_of(&self, cluster_index: usize) -> impl Iterator<Item = &NodePool> {
        self.node_pools
            .iter()
            .filter(move |p| p.cluster == ClusterLink::Index(cluster_index))
    }

    /// Each cluster's pools (their indexes, in the model's order), in one pass: for rules that
    /// look at every cluster's pools, which `pools_of` would find by going over every pool
    /// for each cluster.
    pub fn pools_by_cluster(&self) -> Vec<Vec<usize>> {
        let mut by_cluster = vec![Vec::new(); self.clusters.len()];
        for (p, pool) in self.node_pools.iter().enumerate() {
            if let ClusterLink::Index(c) = pool.cluster {
                if let Some(pools) = by_cluster.get_mut(c) {
                    pools.push(p);
                }
            }
        }
        by_cluster
    }
}

impl Cluster {
    /// The name to show: the `name` when known, else the Terraform label, else a placeholder.
    pub fn display_name(&self) -> &str {
        display_name(&self.name, self.label.as_deref(), "CLUSTER_NAME")
    }
}

impl NodePool {
    /// The pool's name as GKE knows it, for commands: its `name` when known, `default-pool`
    /// for a cluster's default pool, else the placeholder POOL_NAME (a Terraform label is not
    /// the name GKE gives the pool).
    pub fn command_name(&self) -> String {
        match self.name.as_str() {
            Some(n) if !n.is_empty() => n.to_string(),
            _ if self.kind == PoolKind::Default => "default-pool".into(),
            _ => "POOL_NAME".into(),
        }
    }

    pub fn display_name(&self) -> &str {
        match self.kind {
            PoolKind::Default if self.name.is_absent() => "default-pool",
            _ => display_name(&self.name, self.label.as_deref(), "POOL_NAME"),
        }
    }
}

fn display_name<'a>(
    name: &'a Field<String>,
    label: Option<&'a str>,
    placeholder: &'static str,
) -> &'a str {
    match (name.as_str(), label) {
        (Some(n), _) if !n.is_empty() => n,
        (_, Some(l)) => l,
        _ => placeholder,
    }
}
