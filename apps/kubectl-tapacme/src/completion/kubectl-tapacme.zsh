#compdef kubectl-tapacme
# zsh completion for kubectl-tapacme
# Load it with: source <(kubectl-tapacme completion zsh), or save it as _kubectl-tapacme in your $fpath.
_kubectl_tapacme() {
    local out directive
    local -a lines completions
    out=$("${words[1]}" __complete "${(@)words[2,CURRENT]}" 2>/dev/null) || return 1
    lines=("${(@f)out}")
    directive=${lines[-1]#:}
    lines=("${(@)lines[1,-2]}")
    if (( directive & 8 )); then
        _files -g "*.(${(j:|:)lines})"
        return
    fi
    if (( directive & 16 )); then
        _files -/
        return
    fi
    if (( ${#lines} == 0 )); then
        (( directive & 4 )) && return 1
        _files
        return
    fi
    local l v d
    for l in "${lines[@]}"; do
        v="${l%%$'\t'*}"
        d=""
        [[ "$l" == *$'\t'* ]] && d="${l#*$'\t'}"
        completions+=("${v//:/\\:}${d:+:$d}")
    done
    if (( directive & 2 )); then
        _describe -t values 'values' completions -S ''
    else
        _describe -t values 'values' completions
    fi
}
if [[ "${funcstack[1]}" == "_kubectl_tapacme" || "${funcstack[1]}" == "_kubectl-tapacme" ]]; then
    _kubectl_tapacme "$@"
else
    compdef _kubectl_tapacme kubectl-tapacme
fi
