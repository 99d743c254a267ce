// `rcodesign verify` for an ad-hoc signed executable: exits 1 with every problem other than the
// missing CMS signature that ad-hoc signing implies.
//   node tools/krew/test/verify-adhoc.ts <rcodesign> <file>
import { verifyAdhoc } from '../lib/codesign.ts';

const [rcodesign, file] = process.argv.slice(2);
if (!rcodesign || !file) {
  console.error('usage: verify-adhoc.ts <rcodesign> <file>');
  process.exit(2);
}
try {
  verifyAdhoc(rcodesign, file);
  console.log(`${file}: rcodesign verify finds no problem beyond the absent CMS signature of an ad-hoc signature`);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
