#!/usr/bin/env bash
# helpdocs.sh — help and docs cannot drift apart: every option that a command's
# --help lists is documented, in the README's summary of the commands or in the
# command's own page of docs/; every command's --help says what its exit status
# means, and only the commands that take submissions speak there of
# quarantined rows.
source "$(dirname "$0")/lib.sh"

declare -A page=([init]=store [import]=import [validate]=import [status]=import
                 [quarantine]=import [check]=store [dataset]=data-set
                 [reference]=reference-data [simulate]=simulation [compute]=measures
                 [measures]=measures [stats]=statistics [user]=accounts [audit]=accounts [serve]=serve
                 [series]=series [framework]=frameworks [allocate]=funding [incentive]=funding
                 [report]=reports [warn]=early-warning [alerts]=early-warning
                 [substance]=early-warning)
"$DSMS" --help > top.txt
commands=$(awk '/^commands:/ { on = 1; next } /^$/ { on = 0 } on && /^  [a-z]/ { print $1 }' top.txt | sort -u)
expect_eq "$(echo "$commands" | wc -l)" "${#page[@]}" "commands in dsms --help, each with its page"
# the options every command takes are the README's to document
global=$(awk '/^options for every command:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }' top.txt)
expect_grep '^Every command takes `--store PATH`' "$SRC/README.md"
for c in $commands; do
  if [ -z "${page[$c]:-}" ]; then bad "dsms $c: no page of docs/ is named for it here"; continue; fi
  doc=$SRC/docs/${page[$c]}.md
  "$DSMS" "$c" --help > help.txt 2>&1
  expect_grep '^exit status: [0-9]' help.txt
  case $c in
    import|validate) ;; # they take submissions: 1 is some rows quarantined
    *) expect_no_grep '^exit status:.*quarantin' help.txt ;;
  esac
  # the options of its table (indented) and of its usage lines
  for o in $(grep -oE '^ {2,}--[a-z][a-z0-9-]*|\[--[a-z][a-z0-9-]*|^usage: .*' help.txt |
             grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
    if echo "$global" | grep -qx -- "$o"; then continue; fi
    if grep -qF -- "$o" "$doc" || grep -qE -- "^dsms $c .*$o" "$SRC/README.md"; then ok
    else bad "dsms $c $o: in its --help, but neither in docs/${page[$c]}.md nor in the README's commands"
    fi
  done
done
finish
