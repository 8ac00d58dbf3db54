//! Builds the model's clusters and node pools from Terraform resources, written once for
//! configuration (HCL) and plans (JSON): both are read through [`View`].

use crate::model::{Cluster, ClusterLink, Field, Missing, Model, NodePool, Origin, PoolKind, Site};
use crate::span::Span;

/// A resource or nested block, as far as its source lets gkecheck know its values.
pub trait View: Sized {
    /// Whether the input is the configuration itself (HCL), rather than a plan made from it.
    const EDITABLE: bool;
    /// The whole resource or block.
    fn span(&self) -> Span;
    /// Its first line (a block header), where findings without a narrower place point.
    fn head(&self) -> Span;
    /// A string attribute; numbers and booleans as text.
    fn string(&self, key: &str) -> Field<String>;
    fn boolean(&self, key: &str) -> Field<bool>;
    /// A list of strings, each with its place.
    fn strings(&self, key: &str) -> Field<Vec<(String, Span)>>;
    /// One entry of a map attribute (`metadata = { ... }`).
    fn entry(&self, key: &str, entry: &str) -> Field<String>;
    /// The nested blocks called `name`, or why they cannot be known.
    fn blocks(&self, name: &str) -> Result<Vec<Self>, Unexpanded>;

    fn first(&self, name: &str) -> Result<Option<Self>, Unexpanded> {
        self.blocks(name).map(|list| list.into_iter().next())
    }
}

/// Blocks whose presence depends on something gkecheck cannot evaluate.
pub struct Unexpanded {
    pub expr: String,
    pub span: Span,
}

impl Unexpanded {
    pub fn field<T>(self) -> Field<T> {
        Field::Unknown {
            expr: self.expr.into(),
            span: self.span,
            nonempty: false,
        }
    }
}

/// A setting inside the cluster's `master_auth` block.
fn master_auth<V: View, T>(view: &V, read: impl Fn(&V) -> Field<T>) -> Field<T> {
    match view.first("master_auth") {
        Err(unknown) => unknown.field(),
        Ok(None) => Field::Absent,
        Ok(Some(m)) => read(&m),
    }
}

/// What a node pool takes from its cluster.
pub struct PoolBase {
    pub input: usize,
    pub cluster: ClusterLink,
    pub project: Field<String>,
    pub location: Field<String>,
}

/// Adds a `google_container_cluster` and the pools it makes (inline `node_pool` blocks, or
/// the default pool from its own `node_config`). Returns the cluster's index.
pub fn cluster<V: View>(
    view: &V,
    input: usize,
    address: &str,
    label: Option<String>,
    model: &mut Model,
) -> usize {
    let workload_pool = match view.first("workload_identity_config") {
        Err(unknown) => unknown.field(),
        Ok(None) => Field::Absent,
        Ok(Some(wi)) => {
            let pool = wi.string("workload_pool");
            match pool {
                Field::Known { ref value, .. } if !value.is_empty() => pool,
                Field::Unknown { .. } => pool,
                // Provider versions before 4.0 call it identity_namespace.
                _ => match wi.string("identity_namespace") {
                    Field::Absent => pool,
                    ns => ns,
                },
            }
        }
    };
    let site = Site {
        input,
        span: view.span(),
        head: view.head(),
        address: address.into(),
        editable: V::EDITABLE,
    };
    let index = model.clusters.len();
    model.clusters.push(Cluster {
        insert_at: site.head,
        site,
        origin: Origin::Config,
        name: view.string("name"),
        label,
        project: view.string("project"),
        location: view.string("location"),
        autopilot: view.boolean("enable_autopilot"),
        workload_pool,
        basic_auth_username: master_auth(view, |m| m.string("username")),
        basic_auth_password: master_auth(view, |m| m.string("password")),
        client_certificate: master_auth(view, |m| match m.first("client_certificate_config") {
            Err(unknown) => unknown.field(),
            Ok(None) => Field::Absent,
            Ok(Some(c)) => c.boolean("issue_client_certificate"),
        }),
        autoprovisioning: match view.first("cluster_autoscaling") {
            Err(unknown) => unknown.field(),
            Ok(None) => Field::Absent,
            Ok(Some(ca)) => ca.boolean("enabled"),
        },
        settings: crate::input::settings::from_view(
            view,
            crate::input::settings::TERRAFORM_CLUSTER,
            false,
        ),
        autoprovisioning_service_account: match view
            .first("cluster_autoscaling")
            .and_then(|ca| ca.map_or(Ok(None), |ca| ca.first("auto_provisioning_defaults")))
        {
            Err(unknown) => unknown.field(),
            Ok(None) => Field::Absent,
            Ok(Some(d)) => d.string("service_account"),
        },
    });
    let c = &model.clusters[index];
    let base = PoolBase {
        input,
        cluster: ClusterLink::Index(index),
        project: c.project.clone(),
        location: c.location.clone(),
    };
    let autopilot = c.autopilot.value() == Some(&true);
    match view.blocks("node_pool") {
        Ok(inline) if !inline.is_empty() => {
            // remove_default_node_pool deletes the pool named "default-pool" once the cluster
            // is made, an inline one too (modules declare it inline and then remove it).
            let removed = view.boolean("remove_default_node_pool");
            for (i, p) in inline.iter().enumerate() {
                let default_named = p.string("name").as_str() == Some("default-pool");
                let uncertain = match (&removed, default_named) {
                    (Field::Known { value: true, .. }, true) => continue,
                    (Field::Unknown { expr, span, .. }, true) => Some((expr.clone(), *span)),
                    _ => None,
                };
                let site = Site {
                    input,
                    span: p.span(),
                    head: p.head(),
                    address: format!("{address}.node_pool[{i}]").into(),
                    editable: V::EDITABLE,
                };
                model
                    .node_pools
                    .push(pool(p, &base, site, PoolKind::Inline(i), uncertain));
            }
        }
        Err(Unexpanded { expr, span }) => {
            // The inline pools cannot be listed: one result stands for them all.
            let site = Site {
                input,
                span,
                head: span,
                address: format!("{address}.node_pool[*]").into(),
                editable: V::EDITABLE,
            };
            let p = pool(
                view,
                &base,
                site,
                PoolKind::Inline(0),
                Some((expr.into(), span)),
            );
            model.node_pools.push(NodePool {
                metadata_config: Field::Absent,
                mode: Field::Absent,
                node_metadata: Field::Absent,
                node_config: None,
                ..p
            });
        }
        Ok(_) => {
            // No inline pools: Terraform builds the default pool from the cluster's own
            // `node_config`, unless the cluster is Autopilot or deletes it.
            if autopilot {
                return index;
            }
            let uncertain = match view.boolean("remove_default_node_pool") {
                Field::Known { value: true, .. } => return index,
                Field::Unknown { expr, span, .. } => Some((expr, span)),
                _ => None,
            };
            // The default pool is written in the cluster's own block.
            let site = model.clusters[index].site.clone();
            let p = pool(view, &base, site, PoolKind::Default, uncertain);
            model.node_pools.push(NodePool {
                name: Field::Absent,
                ..p
            });
        }
    }
    index
}

/// Reads a node pool's settings from `view` (a pool resource, an inline `node_pool`, or the
/// cluster itself for its default pool).
pub fn pool<V: View>(
    view: &V,
    base: &PoolBase,
    site: Site,
    kind: PoolKind,
    uncertain: Option<(crate::model::Expr, Span)>,
) -> NodePool {
    let config = view.first("node_config");
    let node_config = config
        .as_ref()
        .ok()
        .and_then(|c| c.as_ref().map(View::span));
    // When node_config itself cannot be expanded, its service account is as unknown as it.
    let service_account = match &config {
        Err(u) => Field::Unknown {
            expr: u.expr.clone().into(),
            span: u.span,
            nonempty: false,
        },
        Ok(None) => Field::Absent,
        Ok(Some(c)) => c.string("service_account"),
    };
    let wmc = config.and_then(|c| c.map_or(Ok(None), |c| c.first("workload_metadata_config")));
    let (metadata_config, mode, node_metadata) = match wmc {
        Err(unknown) => (unknown.field(), Field::Absent, Field::Absent),
        Ok(None) => (Field::Absent, Field::Absent, Field::Absent),
        Ok(Some(w)) => (
            Field::known((), w.span()),
            w.string("mode"),
            w.string("node_metadata"),
        ),
    };
    let (project, location) = match kind {
        PoolKind::Inline(_) | PoolKind::Separate => (
            or(view.string("project"), &base.project),
            or(view.string("location"), &base.location),
        ),
        _ => (base.project.clone(), base.location.clone()),
    };
    NodePool {
        site,
        origin: Origin::Config,
        kind,
        name: view.string("name"),
        label: None,
        cluster: base.cluster.clone(),
        project,
        location,
        metadata_config,
        mode,
        node_metadata,
        service_account,
        node_config,
        uncertain,
        settings: crate::input::settings::from_view(
            view,
            crate::input::settings::TERRAFORM_POOL,
            kind == PoolKind::Default,
        ),
    }
}

fn or(field: Field<String>, fallback: &Field<String>) -> Field<String> {
    match field {
        Field::Absent => fallback.clone(),
        f => f,
    }
}

/// Clusters by name (model indexes, in order), to join pools to them by a known name or id
/// (`projects/P/locations/L/clusters/NAME`): made once for all of a module's or a plan's pools.
#[derive(Default)]
pub struct Named(std::collections::HashMap<String, Vec<usize>>);

impl Named {
    pub fn of(model: &Model, candidates: impl Iterator<Item = usize>) -> Named {
        let mut named = Named::default();
        for i in candidates {
            named.add(model, i);
        }
        named
    }

    fn add(&mut self, model: &Model, i: usize) {
        if let Some(name) = model.clusters[i].name.as_str() {
            self.0.entry(name.to_string()).or_default().push(i);
        }
    }

    /// The cluster a name or id names: the one of that name that agrees with the id's project
    /// and location, or else the pool's (`project`, `location`, when known; a pool in another
    /// location than the one cluster of its name names another cluster). Two that fit are not
    /// guessed between: the link is missing, naming the cluster, with how many fit (it was the
    /// first found, which hung on a hash's order).
    pub fn find(
        &self,
        model: &Model,
        reference: &str,
        project: Option<&str>,
        location: Option<&str>,
    ) -> ClusterLink {
        let (name, project, location) = match cluster_id(reference) {
            Some((p, l, n)) => (n, Some(p), Some(l)),
            None => (
                reference.rsplit('/').next().unwrap_or(reference),
                project,
                location,
            ),
        };
        let fits: Vec<usize> = self
            .0
            .get(name)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&i| {
                let c = &model.clusters[i];
                agrees(&c.project, project) && agrees(&c.location, location)
            })
            .collect();
        match fits.as_slice() {
            [one] => ClusterLink::Index(*one),
            _ => Missing {
                name: Some(name.to_string()),
                reference: Some(reference.to_string()),
                module: None,
                alike: fits.len(),
                elsewhere: 0,
            }
            .into(),
        }
    }
}

/// The clusters of a configuration (of the model's clusters from its first on) by name, kept up
/// to date as its modules add clusters: each module's pools that name a cluster outside their
/// module look it up here, where they went over every cluster of the configuration.
#[derive(Default)]
pub struct Everywhere {
    from: usize,
    upto: usize,
    named: Named,
}

impl Everywhere {
    /// The index of the clusters from `first` on (another configuration's from another first).
    pub fn of_configuration(&mut self, model: &Model, first: usize) -> &Named {
        if self.from != first || self.upto < first {
            *self = Everywhere {
                from: first,
                upto: first,
                named: Named::default(),
            };
        }
        for i in self.upto..model.clusters.len() {
            self.named.add(model, i);
        }
        self.upto = model.clusters.len();
        &self.named
    }
}

/// A cluster's id, `projects/P/locations/L/clusters/N` (or `zones/L`), as its parts: project,
/// location, name.
pub fn cluster_id(reference: &str) -> Option<(&str, &str, &str)> {
    let parts: Vec<&str> = reference.split('/').collect();
    match parts.as_slice() {
        [.., "projects", p, "locations" | "zones", l, "clusters", n] => Some((p, l, n)),
        _ => None,
    }
}

/// A cluster's field agrees with what a pool wants of it when either is not known.
pub fn agrees(field: &Field<String>, wanted: Option<&str>) -> bool {
    match (field.as_str(), wanted) {
        (Some(have), Some(want)) => have == want,
        _ => true,
    }
}
