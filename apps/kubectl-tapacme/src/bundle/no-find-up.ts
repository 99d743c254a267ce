// Stands in for escalade/sync in the bundle. yargs uses it only to find a package.json above the
// working directory to guess a version at start-up, which this CLI replaces with its own (and a
// user's package.json must not matter to it); so finding nothing is right, and costs no file reads.
export default function findUp(): undefined {
  return undefined;
}
