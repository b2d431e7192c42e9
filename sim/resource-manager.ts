// Cloud Resource Manager's projects.get (v1 and v3), so set-up code can learn the project number
// that names the Pub/Sub service agent (service-<number>@gcp-sa-pubsub.iam.gserviceaccount.com)
// the way it would against Google (https://cloud.google.com/resource-manager/reference/rest/v3/projects/get).
import { Router } from 'express';
import type { SimContext } from './context.ts';

export function resourceManagerRouter(ctx: SimContext): Router {
  const router = Router();
  const notFound = {
    error: {
      code: 403,
      message: 'The caller does not have permission',
      status: 'PERMISSION_DENIED',
    },
  };
  router.get('/v1/projects/:projectId', (req, res) => {
    if (req.params.projectId !== ctx.project) return res.status(403).json(notFound);
    res.json({
      projectNumber: ctx.projectNumber,
      projectId: ctx.project,
      lifecycleState: 'ACTIVE',
      name: ctx.project,
    });
  });
  router.get('/v3/projects/:projectId', (req, res) => {
    const id = req.params.projectId;
    if (id !== ctx.project && id !== ctx.projectNumber) return res.status(403).json(notFound);
    res.json({
      name: `projects/${ctx.projectNumber}`,
      projectId: ctx.project,
      state: 'ACTIVE',
      displayName: ctx.project,
    });
  });
  return router;
}
