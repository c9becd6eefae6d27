/** The `case` lines of the agency, key, dead-letter, hold and erasure steps (run/operator-steps.ts). */
export function operatorStepLines(): string[] {
  const call = (op: string) => `exec $FRX_NODE admin call --dir "$DIR" --operation ${op} --in "$1"`;
  return [
    `  add-agency) ${call("agency.add")} ;;`,
    `  update-agency) ${call("agency.update")} ;;`,
    '  disable-agency) exec $FRX_NODE agency disable --dir "$DIR" --id "$1" ;;',
    '  rotate-agency-key) exec $FRX_NODE agency rotate-key --dir "$DIR" --id "$1" --key "$2" ;;',
    '  revoke-agency-key) exec $FRX_NODE agency revoke-key --dir "$DIR" --id "$1" --kid "$2" --as-of "$3" ;;',
    '  add-operator) exec $FRX_NODE operator add --dir "$DIR" --name "$1" --key "$2" ;;',
    '  list-dead-letters) exec $FRX_NODE dead-letters list --dir "$DIR" --json ;;',
    '  retry-dead-letter) exec $FRX_NODE dead-letters retry --dir "$DIR" --peer "$1" --id "$2" ;;',
    '  discard-dead-letter) exec $FRX_NODE dead-letters discard --dir "$DIR" --peer "$1" --id "$2" ;;',
    `  place-hold) ${call("hold.place")} ;;`,
    `  release-hold) ${call("hold.release")} ;;`,
    `  erase-person) ${call("erasure.person")} ;;`,
  ];
}
