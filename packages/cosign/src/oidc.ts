/**
 * Keyless signing needs the runner's OIDC token. The runner only offers one when the job has
 * `permissions: id-token: write` and does not run for a pull request from a fork; both cases show
 * as the two request variables being absent.
 */
export function hasOidcToken(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL) && Boolean(env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
}

export const NO_OIDC_EXPLANATION =
  'no OIDC token is available to this job (a pull request from a fork, or the job lacks `permissions: id-token: write`)';
