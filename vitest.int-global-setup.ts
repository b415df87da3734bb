import { createKafkaClient, silentLogger } from '@portcullis/messaging';
import { adminKubeConfig, deleteStaleTestNamespaces } from '@portcullis/testing/kube';

/**
 * Before the integration tiers: delete the topics that earlier runs' tests left on a long-lived
 * local stack. Every test isolates itself with `uniquePrefix` (`t-<label>-<base36 time><hex>-`), and
 * a service test creates every topic of the registry (~130 partitions); without this, a developer's
 * broker gathers tens of thousands of partitions and runs out of file descriptors. Only prefixes
 * older than an hour are removed, so runs side by side never touch each other; CI starts from an
 * empty stack and finds nothing to do.
 */
const MAX_AGE_MS = 60 * 60 * 1000;
const TEST_TOPIC = /^t-.+?-([0-9a-z]{8})[0-9a-f]{6}-/;

export default async function deleteStaleTestResources(): Promise<void> {
  await deleteStaleTestTopics();
  await deleteOldTestNamespaces();
}

async function deleteStaleTestTopics(): Promise<void> {
  const brokers = (process.env['KAFKA_BROKERS'] ?? '').split(',').filter(Boolean);
  if (brokers.length === 0) return; // stackEnv() in the tests explains what is missing
  const admin = createKafkaClient({ brokers, clientId: 'int-global-setup' }, silentLogger).admin();
  try {
    await admin.connect();
    const now = Date.now();
    const stale = (await admin.listTopics()).filter((topic) => {
      const match = TEST_TOPIC.exec(topic);
      return match !== null && now - parseInt(match[1]!, 36) > MAX_AGE_MS;
    });
    for (let i = 0; i < stale.length; i += 500) await admin.deleteTopics({ topics: stale.slice(i, i + 500), timeout: 60_000 });
    if (stale.length > 0) process.stderr.write(`int setup: deleted ${stale.length} topics left by test runs older than 1 h\n`);
  } catch (error) {
    // Housekeeping only: a failure here must not fail or skip the tests.
    process.stderr.write(`int setup: could not delete stale test topics: ${error instanceof Error ? error.message : String(error)}\n`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * The same for the Kubernetes control plane: namespaces from `createTestNamespace` (label
 * `portcullis.dev/test=true`) older than an hour; the ClusterRoles/-Bindings a test made are owned by
 * its namespace and go with it.
 */
async function deleteOldTestNamespaces(): Promise<void> {
  if (!process.env['KUBECONFIG']) return; // kubeStackEnv() in the tests explains what is missing
  try {
    const deleted = await deleteStaleTestNamespaces(adminKubeConfig(), MAX_AGE_MS);
    if (deleted.length > 0) process.stderr.write(`int setup: deleted ${deleted.length} test namespaces older than 1 h\n`);
  } catch (error) {
    process.stderr.write(`int setup: could not delete stale test namespaces: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}
