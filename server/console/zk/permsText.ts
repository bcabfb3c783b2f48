/** ZooKeeper permission bits in zkCli's order and letters ("cdrwa"), as `getAcl` prints them. */
export function permsText(perms: number): string {
  const letters: Array<[number, string]> = [
    [4, "c"],
    [8, "d"],
    [1, "r"],
    [2, "w"],
    [16, "a"],
  ];
  return letters.map(([bit, l]) => (perms & bit ? l : "")).join("");
}
