# powershell completion for kubectl-tapacme
# Load it with: kubectl-tapacme completion powershell | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName 'kubectl-tapacme' -ScriptBlock {
    param($WordToComplete, $CommandAst, $CursorPosition)
    $line = "$CommandAst"
    if ($line.Length -gt $CursorPosition) { $line = $line.Substring(0, $CursorPosition) }
    $parts = @($line -split '\s+' | Where-Object { $_ -ne '' })
    $prog = $parts[0]
    $rest = @()
    if ($parts.Count -gt 1) { $rest = @($parts[1..($parts.Count - 1)]) }
    if ($WordToComplete -eq '') {
        # Before 7.3 (or with Legacy argument passing) PowerShell drops an empty argument to a native command.
        if ($PSVersionTable.PSVersion -lt [version]'7.3.0' -or $PSNativeCommandArgumentPassing -eq 'Legacy') { $rest += '""' } else { $rest += '' }
    }
    $out = @(& $prog __complete @rest 2>$null)
    if ($out.Count -eq 0) { return }
    $directive = [int]($out[-1].TrimStart(':'))
    $cands = @()
    if ($out.Count -gt 1) { $cands = @($out[0..($out.Count - 2)]) }
    if (($directive -band 8) -or ($directive -band 16)) {
        $exts = $cands
        Get-ChildItem -Path "$WordToComplete*" -ErrorAction SilentlyContinue |
            Where-Object { $_.PSIsContainer -or (($directive -band 8) -and ($exts -contains $_.Extension.TrimStart('.'))) } |
            ForEach-Object {
                $p = Resolve-Path -Relative $_.FullName
                [System.Management.Automation.CompletionResult]::new($p, $p, 'ProviderItem', $p)
            }
        return
    }
    if ($cands.Count -eq 0) {
        if ($directive -band 4) { return '' }
        return
    }
    $cands | Where-Object { $_ -like "$WordToComplete*" } | ForEach-Object {
        $pair = $_ -split "`t", 2
        $value = $pair[0]
        $desc = if ($pair.Count -gt 1 -and $pair[1]) { $pair[1] } else { $value }
        [System.Management.Automation.CompletionResult]::new($value, $value, 'ParameterValue', $desc)
    }
}
