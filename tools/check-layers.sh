#!/bin/bash
# Dependencies between the folders of user/ point one way, downwards:
#   main.c -> trace, replay, bench -> profile -> output -> model -> common
# A file may include headers of its own folder and of folders below it;
# trace, replay and bench do not include each other. Only trace (the
# libbpf glue) includes the tracer's skeletons, only profile the sampler's. Prints every wrong-way include and
# fails if there is one.
cd "$(dirname "$0")/.." || exit 2

rank() {
	case "$1" in
	common) echo 0 ;;
	model) echo 1 ;;
	output) echo 2 ;;
	profile) echo 3 ;;
	trace | replay | bench) echo 4 ;;
	main.c) echo 5 ;;
	*) echo -1 ;;
	esac
}

bad=0
for file in user/*.c user/*/*.[ch]; do
	rel=${file#user/}
	from=${rel%%/*}
	from_rank=$(rank "$from")
	if [ "$from_rank" -lt 0 ]; then
		echo "$file: folder '$from' has no place in tools/check-layers.sh"
		bad=1
		continue
	fi
	while IFS=: read -r line inc; do
		case "$inc" in
		taskmem.h | profile.h | unique.h | unique_events.h)
			continue ;;	# the types shared with BPF
		taskmem.skel.h)
			# profile/ configures the sampler linked into it
			[ "$from" = trace ] || [ "$from" = profile ] && continue
			echo "$file:$line: only trace/ and profile/ load BPF: includes $inc"
			bad=1
			continue ;;
		unique.skel.h)
			[ "$from" = trace ] && continue
			echo "$file:$line: only trace/ loads BPF: includes $inc"
			bad=1
			continue ;;
		esac
		to=${inc%%/*}
		to_rank=$(rank "$to")
		if [ "$inc" = "$to" ] || [ "$to_rank" -lt 0 ]; then
			echo "$file:$line: '$inc' is not in a folder of user/"
			bad=1
		elif [ "$to" != "$from" ] && [ "$to_rank" -ge "$from_rank" ]; then
			echo "$file:$line: $from/ must not include $inc ($to/ is not below $from/)"
			bad=1
		fi
	done < <(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$file" |
		sed 's/^\([0-9]*\):[^"]*"\([^"]*\)".*/\1:\2/')
done
exit $bad
