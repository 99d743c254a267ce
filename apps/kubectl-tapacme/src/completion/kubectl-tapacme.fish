# fish completion for kubectl-tapacme
# Load it with: kubectl-tapacme completion fish | source
function __kubectl_tapacme_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    # Quoted, so that an empty current token is still passed as the word being completed.
    set -l out ($tokens[1] __complete $tokens[2..-1] "$current" 2>/dev/null)
    or return
    test (count $out) -gt 0; or return
    set -l directive (string replace -r '^:' '' -- $out[-1])
    set -e out[-1]
    if test (math "bitand($directive, 8)") -ne 0
        set -l pattern '\.('(string join '|' -- $out)')$'
        for p in (__fish_complete_path $current)
            set -l path (string split -m1 \t -- $p)[1]
            if string match -q -- '*/' $path; or string match -qr -- $pattern $path
                echo $p
            end
        end
        return
    end
    if test (math "bitand($directive, 16)") -ne 0
        __fish_complete_directories $current
        return
    end
    if test (count $out) -eq 0
        if test (math "bitand($directive, 4)") -eq 0
            __fish_complete_path $current
        end
        return
    end
    printf '%s\n' $out
end
complete -c kubectl-tapacme -f -a '(__kubectl_tapacme_complete)'
