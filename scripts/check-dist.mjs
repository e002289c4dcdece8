// Fails when dist/ does not match what `npm run build` makes from the sources: a stale bundle,
// a missing one, or a new file nobody committed (git status also lists untracked files).
import { execFileSync } from 'node:child_process';

execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all', '--', 'dist'], {
  encoding: 'utf8',
});
if (status.trim() !== '') {
  console.error('check-dist: dist/ differs from a fresh build. Run `npm run build` and commit dist/:');
  console.error(status.trimEnd());
  process.exit(1);
}
console.log('check-dist: dist/ matches the sources.');
