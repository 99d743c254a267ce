# bash completion for kubectl-tapacme
# Load it with: source <(kubectl-tapacme completion bash)
__kubectl_tapacme_complete() {
    local cur="${COMP_WORDS[COMP_CWORD]}"
    local line="${COMP_LINE:0:COMP_POINT}"
    local -a words
    read -r -a words <<< "$line"
    if [[ -z "$line" || "$line" =~ [[:space:]]$ ]]; then words+=(""); fi
    local typed="${words[${#words[@]}-1]}"
    # bash splits "--output=js" at "="; candidates must replace only the part after it.
    local pre="${typed%"$cur"}"
    local out
    out=$("${words[0]}" __completeNoDesc "${words[@]:1}" 2>/dev/null) || return 0
    local directive="${out##*:}"
    local -a cands=()
    if [[ "$out" == *$'\n'* ]]; then
        local c
        while IFS= read -r c; do cands+=("${c#"$pre"}"); done <<< "${out%$'\n'*}"
    fi
    COMPREPLY=()
    if (( directive & 8 )); then
        local exts
        exts=$(IFS='|'; echo "${cands[*]}")
        compopt -o filenames 2>/dev/null
        local f
        while IFS= read -r f; do [[ -n "$f" ]] && COMPREPLY+=("$f"); done < <(compgen -f -X "!*.@($exts)" -- "$cur"; compgen -d -- "$cur")
        return 0
    fi
    if (( directive & 16 )); then
        compopt -o filenames 2>/dev/null
        local d
        while IFS= read -r d; do [[ -n "$d" ]] && COMPREPLY+=("$d"); done < <(compgen -d -- "$cur")
        return 0
    fi
    if (( directive & 4 )); then compopt +o default 2>/dev/null; fi
    if (( directive & 2 )); then compopt -o nospace 2>/dev/null; fi
    local c
    for c in "${cands[@]}"; do
        [[ "$c" == "${cur#=}"* || "$cur" == "=" ]] && COMPREPLY+=("$c")
    done
    return 0
}
shopt -s extglob 2>/dev/null
complete -o default -F __kubectl_tapacme_complete kubectl-tapacme
