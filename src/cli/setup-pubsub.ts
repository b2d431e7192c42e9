// `gmail-sync setup-pubsub [--check]`: creates what Gmail push needs in Pub/Sub, or with --check only
// verifies it and names what is missing (exit 1 when anything is).
import type { Config } from '../config.ts';
import { lookUpProjectNumber } from '../google/project-number.ts';
import { checkPubsub } from '../google/pubsub-check.ts';
import { makePubSub, projectOfTopic } from '../google/pubsub-client.ts';
import { setupPubsub } from '../google/pubsub-setup.ts';

export interface SetupPubsubArgs {
  endpoint?: string | undefined;
  check: boolean;
  /** The Cloud project's number; looked up with Resource Manager when not given. */
  projectNumber?: string | undefined;
}

export async function runSetupPubsub(
  config: Config,
  args: SetupPubsubArgs,
  out: (line: string) => void,
): Promise<number> {
  const topic = config.google.pubsubTopic;
  const project = projectOfTopic(topic);
  const projectNumber = await projectNumberOrUndefined(config, project, args.projectNumber, out);
  const pubsub = makePubSub({ projectId: project, emulatorHost: config.google.emulatorHost });
  const setup = {
    topic,
    pushEndpoint: args.endpoint ?? `${config.publicUrl}/pubsub/gmail`,
    audience: config.google.pushAudience,
    serviceAccount: config.google.pushServiceAccount,
    projectNumber,
  };
  try {
    if (!args.check) {
      for (const line of await setupPubsub(pubsub, setup)) out(line);
      return 0;
    }
    const findings = await checkPubsub(pubsub, setup);
    for (const f of findings) out(`${f.ok ? 'ok' : 'missing'}: ${f.line}`);
    const missing = findings.filter((f) => !f.ok).length;
    out(missing === 0 ? 'the Pub/Sub set-up is complete' : `${missing} missing: run setup-pubsub`);
    return missing === 0 ? 0 : 1;
  } finally {
    await pubsub.close();
  }
}

async function projectNumberOrUndefined(
  config: Config,
  project: string,
  given: string | undefined,
  out: (line: string) => void,
): Promise<string | undefined> {
  if (given !== undefined) {
    if (!/^\d+$/.test(given)) throw new Error('--project-number must be digits');
    return given;
  }
  try {
    return await lookUpProjectNumber(project, config.google.emulatorHost);
  } catch (error) {
    out(
      `could not read project ${project}'s number (${error instanceof Error ? error.message : String(error)})`,
    );
    return undefined;
  }
}
