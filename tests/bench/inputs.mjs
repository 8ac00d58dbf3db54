// The harness's pastes, shared by its browser and bridge benchmarks: gcloud JSON of clusters
// with seven pools each (or as many as asked), one pool in five without the GKE metadata server.

function pool(c, i) {
  return {
    name: `pool-${i}`,
    config: {
      machineType: 'e2-standard-4', diskSizeGb: 100, imageType: 'COS_CONTAINERD',
      oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
      serviceAccount: `gke-nodes@project-${c}.iam.gserviceaccount.com`,
      metadata: { 'disable-legacy-endpoints': 'true' },
      workloadMetadataConfig: { mode: (c + i) % 5 === 0 ? 'GCE_METADATA' : 'GKE_METADATA' },
      shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
    },
    management: { autoUpgrade: true, autoRepair: true },
    locations: ['europe-west1-b', 'europe-west1-c'],
    status: 'RUNNING',
  };
}

/**
 * gcloud JSON (`{"clusters": [...]}`, pretty) of `bytes` or up to one cluster (about 5 KB with
 * seven pools) more: at least one cluster, of `pools` pools each.
 */
export function gcloudJson(bytes, pools = 7) {
  const clusters = [];
  // Each cluster's share of the whole: its text in a list of one, less the list's own.
  const empty = JSON.stringify({ clusters: [{}] }, null, 2).length - 2;
  let size = empty;
  for (let c = 0; c === 0 || size < bytes; c += 1) {
    const cluster = {
      name: `cluster-${c}`, location: 'europe-west1',
      workloadIdentityConfig: { workloadPool: `project-${c}.svc.id.goog` },
      releaseChannel: { channel: 'REGULAR' },
      nodePools: Array.from({ length: pools }, (_, i) => pool(c, i)),
    };
    clusters.push(cluster);
    size += JSON.stringify({ clusters: [cluster] }, null, 2).length - empty + (c > 0 ? 2 : 0);
  }
  return JSON.stringify({ clusters }, null, 2);
}
