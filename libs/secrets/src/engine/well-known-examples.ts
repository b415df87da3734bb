import { createHash } from 'node:crypto';

/**
 * Credentials that vendors print in their own documentation, emulators and SDK samples. They are
 * public, copied into countless READMEs, tests and local configs, and open nothing: reporting them
 * only teaches users to ignore findings. Only values a vendor documents as a sample or as a fixed
 * local-emulator key belong here — never a value seen leaked somewhere.
 *
 * Stored as SHA-256 digests, not as text: our sources must hold no credential-shaped literal (push
 * protection, and our own scanner, would flag this file), and a digest still lets anyone check an
 * entry (`printf %s '<value>' | sha256sum`). Each entry names where the value is published and its
 * first characters.
 */
interface WellKnownExample {
  /** Where the vendor publishes it. */
  readonly source: string;
  readonly length: number;
  readonly sha256: string;
}

const WELL_KNOWN_EXAMPLES: readonly WellKnownExample[] = [
  // Stripe API reference, "Authentication": the test-mode secret key of Stripe's demo account (`sk_test_4eC3…`).
  { source: 'https://docs.stripe.com/api/authentication', length: 32, sha256: '2cafc0970149a84f3b9e62eaf169f36f59907a3b3e31f7b82e68c69cd27f7326' },
  // Stripe API reference (curl samples, e.g. Issuing, Financial Connections) and older guides: the previous demo test key (`sk_test_BQok…`).
  { source: 'https://docs.stripe.com/api', length: 32, sha256: 'f2d6ca16515033e5dce14eba840b979d27b5cbae24bb3e5bf484339667f86397' },
  // Azurite / Azure Storage Emulator: the fixed key of the `devstoreaccount1` account (`Eby8vdM0…`).
  {
    source: 'https://learn.microsoft.com/azure/storage/common/storage-use-azurite#well-known-storage-account-and-key',
    length: 88,
    sha256: '0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059',
  },
  // Azure Cosmos DB emulator: its fixed, published primary key (`C2y6yDjf…`).
  { source: 'https://learn.microsoft.com/azure/cosmos-db/emulator', length: 88, sha256: 'aa6547439583c3a275d4542a0df6c1ad6a863971be9f2a2220f027cc02aef615' },
  // jwt.io's debugger sample (HS256, `"name": "John Doe"`, secret `your-256-bit-secret`).
  { source: 'https://jwt.io/#debugger-io', length: 155, sha256: '7f75367e7881255134e1375e723d1dea8ad5f6a4fdb79d938df1f1754a830606' },
  // AWS IAM user guide, "Managing access keys": the sample access key id and secret (`AKIAIOSF…`, `wJalrXUt…`).
  { source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html', length: 20, sha256: '1a5d44a2dca19669d72edf4c4f1c27c4c1ca4b4408fbb17f6ce4ad452d78ddb3' },
  { source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html', length: 40, sha256: '78314b11be2e581549ac1c4f616563fad3fdf0c3b71678f6e2299182080e0598' },
  // AWS CLI and SDK guides: the second sample pair (`AKIAI44Q…`, `je7MtGbC…`).
  { source: 'https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html', length: 20, sha256: 'c6ea27c534f993d31f0aef882e3d200e7b87470c379ae79c8f9b19d3bd363dc9' },
  { source: 'https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html', length: 40, sha256: 'e21b597ba6b9cafa59d9ebc4d65c0385f5eb3fa56abab2607fa76589ad849a33' },
  // Slack tutorial "Posting messages using curl": a bot token that says it is not one (`xoxb-not-…`).
  { source: 'https://api.slack.com/tutorials/tracks/posting-messages-with-curl', length: 40, sha256: '0e3fd41c01a697720785471d7455850841950378123a3448f925c8687a8a4fa1' },
];

const DIGESTS = new Set(WELL_KNOWN_EXAMPLES.map((e) => e.sha256));
/** Most candidates have another length: they are rejected without hashing. */
const LENGTHS = new Set(WELL_KNOWN_EXAMPLES.map((e) => e.length));

/** True when the value is one of the vendors' documented sample credentials. */
export function isWellKnownExample(value: string): boolean {
  if (!LENGTHS.has(value.length)) return false;
  return DIGESTS.has(createHash('sha256').update(value, 'utf8').digest('hex'));
}
