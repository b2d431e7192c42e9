// `npm run sim -- --port N`: the Google simulator alone, for a separately started service.
import { parseArgs } from 'node:util';
import { startSimulator } from './index.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8085' },
    host: { type: 'string', default: '127.0.0.1' },
    project: { type: 'string', default: 'sim' },
    'project-number': { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'kms-key': { type: 'string', multiple: true },
  },
});
const sim = await startSimulator({
  port: Number(values.port),
  host: values.host,
  project: values.project,
  ...(values['project-number'] ? { projectNumber: values['project-number'] } : {}),
  ...(values['client-id'] ? { clientId: values['client-id'] } : {}),
  ...(values['client-secret'] ? { clientSecret: values['client-secret'] } : {}),
  kmsKeys: values['kms-key'] ?? [],
});
process.stdout.write(
  `Google simulator on ${sim.baseUrl} (GOOGLE_EMULATOR_HOST=${sim.hostPort}, project ${sim.ctx.project}, number ${sim.ctx.projectNumber})\n`,
);
const stop = () => void sim.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
