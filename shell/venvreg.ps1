# venvreg for PowerShell: virtualenvwrapper's commands on venvreg's registry.
#   venvreg init pwsh | Out-String | Invoke-Expression      (in $PROFILE)
#   or  . (venvreg init pwsh --path)
# Every command calls `venvreg __shell pwsh COMMAND -- ARGS`, checks its exit code, then evaluates
# the code it printed: calls of the __venvreg_* helpers below whose every argument is a
# single-quoted string. Loading this file runs no Python and is safe to repeat. Every cmdlet is
# module-qualified and every path goes through -LiteralPath or .NET, so user aliases and
# functions (cd, ls, echo, python, deactivate, ...) and wildcard characters in paths change
# nothing. Sourced hooks are the .ps1 variants (postactivate.ps1, ...); they run in a function
# scope, so what they must leave behind goes through $env:, $global: or `function global:`.
# Needs PowerShell 7.3 or newer for arguments to reach venvreg verbatim (older versions drop
# empty arguments and mangle embedded double quotes when calling programs): older ones,
# Windows PowerShell 5.1 included, are refused here, before anything is defined.

if ($PSVersionTable.PSVersion -lt [version]'7.3') {
    [System.Console]::Error.WriteLine('venvreg: PowerShell 7.3 or newer is needed (this is ' + [string]$PSVersionTable.PSVersion + '); install it from https://aka.ms/powershell')
    return
}

# --- The protocol ---

function global:__venvreg_native {
    # Run the application $App (an ApplicationInfo) with each string of $Argv as exactly one
    # argument; its output is this function's output. Each argument is written into the call as
    # "$($__venvreg_argv[i])" - an index, never the value's text - because PowerShell on Unix
    # globs and tilde-expands the values of splatted or unquoted-variable arguments of native
    # commands (PowerShell/PowerShell#24178, #21323) but not quoted ones, and it swallows an
    # argument equal to '--%' (the stop-parsing marker), which is passed as a StringBuilder.
    # 'Standard' passing (ProcessStartInfo.ArgumentList) keeps empty strings and double quotes.
    param($App, [string[]]$Argv)
    $PSNativeCommandArgumentPassing = 'Standard'
    $PSNativeCommandUseErrorActionPreference = $false
    $__venvreg_app = $App
    $__venvreg_argv = $Argv
    $__venvreg_words = [System.Collections.Generic.List[string]]::new()
    $__venvreg_words.Add('& $__venvreg_app')
    for ($__venvreg_i = 0; $__venvreg_i -lt $Argv.Count; $__venvreg_i++) {
        if ($Argv[$__venvreg_i] -eq '--%') {
            $__venvreg_words.Add('([System.Text.StringBuilder]::new($__venvreg_argv[' + $__venvreg_i + ']))')
        }
        else {
            $__venvreg_words.Add('"$($__venvreg_argv[' + $__venvreg_i + '])"')
        }
    }
    . ([scriptblock]::Create($__venvreg_words -join ' '))
}

function global:__venvreg_application {
    # The ApplicationInfo (or, for $Type ExternalScript, the ExternalScriptInfo) of the file at
    # $Path, or $null. Command discovery expands wildcard characters in a path first, so a path
    # holding [ab]*? is looked up as ./LEAF from inside its folder, and the result must be that
    # very file.
    param([string]$Path, [string]$Type = 'Application')
    try {
        if ([System.IO.Path]::IsPathRooted($Path)) {
            $full = [System.IO.Path]::GetFullPath($Path)
        }
        else {
            $full = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)
        }
    }
    catch {
        return $null
    }
    $folder = [System.IO.Path]::GetDirectoryName($full)
    $leaf = [System.IO.Path]::GetFileName($full)
    if (-not $folder -or -not $leaf -or -not [System.IO.File]::Exists($full)) {
        return $null
    }
    $app = $null
    if (-not [System.Management.Automation.WildcardPattern]::ContainsWildcardCharacters($full)) {
        try {
            $app = $ExecutionContext.InvokeCommand.GetCommand($full, $Type)
        }
        catch {
            $app = $null
        }
    }
    elseif (-not [System.Management.Automation.WildcardPattern]::ContainsWildcardCharacters($leaf)) {
        $global:__VenvregBusy++
        try {
            Microsoft.PowerShell.Management\Push-Location -LiteralPath $folder -StackName __venvreg -ErrorAction Stop
            try {
                $relative = '.' + [System.IO.Path]::DirectorySeparatorChar + $leaf
                $app = $ExecutionContext.InvokeCommand.GetCommand($relative, $Type)
            }
            finally {
                Microsoft.PowerShell.Management\Pop-Location -StackName __venvreg
            }
        }
        catch {
            $app = $null
        }
        finally {
            $global:__VenvregBusy--
        }
    }
    if ($null -eq $app) {
        return $null
    }
    $comparison = [System.StringComparison]::Ordinal
    if ([System.IO.Path]::DirectorySeparatorChar -eq '\') {
        $comparison = [System.StringComparison]::OrdinalIgnoreCase
    }
    if (-not [string]::Equals([string]$app.Path, $full, $comparison)) {
        return $null
    }
    return $app
}

function global:__venvreg_exe {
    # venvreg itself: $env:VENVREG_EXE (a path or a name) or `venvreg` on PATH; an application
    # only, so a function or alias named venvreg is never what runs.
    $exe = $env:VENVREG_EXE
    if (-not $exe) {
        $exe = 'venvreg'
    }
    if ($exe.IndexOfAny([char[]]@('/', '\')) -ge 0) {
        # Windows starts only files with an extension; a path without one means NAME.exe, the
        # program pip and uv install (a .bat/.cmd is refused by __venvreg_shim, whatever its name).
        if ($IsWindows -and [System.IO.Path]::GetExtension($exe) -eq '') {
            $exe = $exe + '.exe'
        }
        return __venvreg_application $exe
    }
    try {
        return $ExecutionContext.InvokeCommand.GetCommand($exe, 'Application')
    }
    catch {
        return $null
    }
}

function global:__venvreg_shim {
    # Whether $App is a batch file: PowerShell runs those through cmd.exe, which parses the
    # arguments again, so a name holding & or % would run commands.
    param($App)
    $extension = [System.IO.Path]::GetExtension([string]$App.Path)
    return $extension -eq '.bat' -or $extension -eq '.cmd'
}

function global:__venvreg_call {
    # Run, check the exit code, then evaluate: venvreg writes its code file only once all its
    # work succeeded, so a venvreg that fails, is killed or is interrupted leaves nothing
    # evaluated. The whole text is parsed
    # before any of it runs; it runs in this scope (the helpers set globals explicitly).
    param([string]$Command, [object[]]$Arguments)
    $__venvreg_argv = [System.Collections.Generic.List[string]]::new()
    $__venvreg_argv.Add('__shell')
    $__venvreg_argv.Add('pwsh')
    $__venvreg_argv.Add($Command)
    $__venvreg_argv.Add('--')
    foreach ($__venvreg_item in $Arguments) {
        if ($null -eq $__venvreg_item) {
            continue
        }
        if ($__venvreg_item -is [System.Collections.IEnumerable] -and $__venvreg_item -isnot [string]) {
            foreach ($__venvreg_inner in $__venvreg_item) {
                if ($null -ne $__venvreg_inner) {
                    $__venvreg_argv.Add([string]$__venvreg_inner)
                }
            }
        }
        else {
            $__venvreg_argv.Add([string]$__venvreg_item)
        }
    }
    $__venvreg_app = __venvreg_exe
    if ($null -eq $__venvreg_app) {
        [System.Console]::Error.WriteLine('venvreg: cannot find the venvreg program (set VENVREG_EXE or fix PATH)')
        $global:LASTEXITCODE = 127
        return
    }
    if (__venvreg_shim $__venvreg_app) {
        [System.Console]::Error.WriteLine('venvreg: ' + [string]$__venvreg_app.Path + ' is a .bat/.cmd shim, which cmd.exe would re-parse; set VENVREG_EXE to the real venvreg.exe')
        $global:LASTEXITCODE = 126
        return
    }
    $global:__VenvregBusy++
    try {
        # venvreg writes UTF-8; PowerShell decodes a program's output with [Console]::OutputEncoding
        # (the OEM code page on Windows), so it is UTF-8 for the time of the call.
        $__venvreg_encoding = $null
        try {
            $__venvreg_encoding = [System.Console]::OutputEncoding
            [System.Console]::OutputEncoding = [System.Text.UTF8Encoding]::new($false)
        }
        catch {
            $__venvreg_encoding = $null
        }
        $PSApplicationOutputEncoding = [System.Text.UTF8Encoding]::new($false)  # 7.6+
        # No PYTHONHOME: a value set for some other Python must not break venvreg's own.
        $__venvreg_pythonhome = [System.Environment]::GetEnvironmentVariable('PYTHONHOME')
        [System.Environment]::SetEnvironmentVariable('PYTHONHOME', $null)
        $global:LASTEXITCODE = 0
        # The code goes to a file venvreg names in VENVREG_CODE_FILE, never through a capture:
        # a program whose output PowerShell collects is not standalone, and on Ctrl-C
        # PowerShell kills it (Process.Kill) instead of letting it clean up.
        $__venvreg_file = $null
        try {
            $__venvreg_file = [System.IO.Path]::GetTempFileName()
            [System.Environment]::SetEnvironmentVariable('VENVREG_CODE_FILE', $__venvreg_file)
            __venvreg_native $__venvreg_app $__venvreg_argv.ToArray()
            if ($global:LASTEXITCODE -eq 0) {
                $__venvreg_text = [System.IO.File]::ReadAllText($__venvreg_file, [System.Text.UTF8Encoding]::new($false))
            }
        }
        catch {
            [System.Console]::Error.WriteLine('venvreg: could not run ' + [string]$__venvreg_app.Path + ': ' + $_.Exception.Message)
            $global:LASTEXITCODE = 126
            return
        }
        finally {
            [System.Environment]::SetEnvironmentVariable('VENVREG_CODE_FILE', $null)
            if ($null -ne $__venvreg_file) {
                try {
                    [System.IO.File]::Delete($__venvreg_file)
                }
                catch {
                    $__venvreg_file = $null
                }
            }
            if ($null -ne $__venvreg_pythonhome) {
                [System.Environment]::SetEnvironmentVariable('PYTHONHOME', $__venvreg_pythonhome)
            }
            if ($null -ne $__venvreg_encoding) {
                try {
                    [System.Console]::OutputEncoding = $__venvreg_encoding
                }
                catch {
                    $__venvreg_encoding = $null
                }
            }
        }
        if ($global:LASTEXITCODE -ne 0) {
            return
        }
        try {
            $__venvreg_code = [scriptblock]::Create($__venvreg_text)
        }
        catch {
            [System.Console]::Error.WriteLine('venvreg: the code venvreg printed does not parse: ' + $_.Exception.Message)
            $global:LASTEXITCODE = 1
            return
        }
        $__venvreg_saved = $global:__VenvregStatus
        $global:__VenvregStatus = 0
        try {
            . $__venvreg_code
            $__venvreg_rc = $global:__VenvregStatus
        }
        finally {
            $global:__VenvregStatus = $__venvreg_saved
        }
        $global:LASTEXITCODE = $__venvreg_rc
    }
    finally {
        $global:__VenvregBusy--
    }
    if ($global:__VenvregBusy -le 0) {
        # What a prompt hook would see next in bash: a cd done by the command itself.
        __venvreg_auto
        $global:LASTEXITCODE = $__venvreg_rc
    }
}

# --- The helpers the emitted code calls (every argument a string) ---

function global:__venvreg_print {
    # Lines for the user's output (where virtualenvwrapper prints them).
    foreach ($line in $args) {
        Microsoft.PowerShell.Utility\Write-Output ([string]$line)
    }
}

function global:__venvreg_status {
    # The status of the command being evaluated: $LASTEXITCODE once it returns. PowerShell
    # offers a simple function no way to make its caller's $? false without writing an error
    # record (PowerShell/PowerShell#3629), and advanced functions would read -d, -v, -e as
    # their common parameters, so $LASTEXITCODE is the status, as for a program.
    param([string]$Status = '0')
    $code = 0
    if (-not [int]::TryParse($Status, [ref]$code)) {
        $code = 1
    }
    $global:__VenvregStatus = $code
    $global:LASTEXITCODE = $code
}

function global:__venvreg_cd {
    param([string]$Path)
    Microsoft.PowerShell.Management\Set-Location -LiteralPath $Path -ErrorAction SilentlyContinue -ErrorVariable __venvreg_failed
    if ($__venvreg_failed) {
        [System.Console]::Error.WriteLine('venvreg: cannot change directory to ' + $Path)
        $global:__VenvregStatus = 1
        $global:LASTEXITCODE = 1
    }
}

function global:__venvreg_exec {
    # An external program only (never a function or alias of the same name), its arguments
    # verbatim.
    param([string]$Name)
    $rest = [string[]]$args
    $app = $null
    try {
        $app = $ExecutionContext.InvokeCommand.GetCommand($Name, 'Application')
    }
    catch {
        $app = $null
    }
    if ($null -ne $app) {
        __venvreg_native $app $rest
        return
    }
    if ($Name -eq 'ls') {
        # Windows has no ls: list the folders given.
        $folders = @($rest | Microsoft.PowerShell.Core\Where-Object { -not $_.StartsWith('-') })
        Microsoft.PowerShell.Management\Get-ChildItem -LiteralPath $folders -Name -Force
        return
    }
    [System.Console]::Error.WriteLine('venvreg: command not found: ' + $Name)
    $global:__VenvregStatus = 127
    $global:LASTEXITCODE = 127
}

function global:__venvreg_run_hook {
    # A "run" hook: executed (not sourced) in $Cwd, its status ignored. Started by .NET from its
    # literal path: no command lookup, no wildcard expansion of [ab]*? in WORKON_HOME, every
    # argument verbatim; its output goes straight to the terminal, as in bash. $Hook is the name
    # virtualenvwrapper uses (no extension); Windows starts only files with an extension, so
    # there it is $Hook.ps1 (run by this PowerShell, as a new process: -NoProfile -File) or
    # $Hook.exe. A .bat/.cmd hook is refused: cmd.exe would parse the env name again.
    param([string]$Hook, [string]$Cwd)
    $rest = [string[]]$args
    $file = __venvreg_run_hook_file $Hook
    if ($null -eq $file) {
        return
    }
    $extension = [System.IO.Path]::GetExtension($file).ToLowerInvariant()
    if ($IsWindows -and $extension -ne '.ps1' -and $extension -ne '.exe') {
        if ($extension -eq '.bat' -or $extension -eq '.cmd') {
            [System.Console]::Error.WriteLine('venvreg: hook ' + $file + ' is a batch file, which cmd.exe would re-parse; write it as ' + $Hook + '.ps1; skipped')
        }
        else {
            [System.Console]::Error.WriteLine('venvreg: hook ' + $file + ' is not a program Windows can start; name it ' + $Hook + '.ps1 or ' + $Hook + '.exe; skipped')
        }
        return
    }
    if (-not [System.IO.Directory]::Exists($Cwd)) {
        [System.Console]::Error.WriteLine('venvreg: hook ' + $file + ': no folder ' + $Cwd + ' to run it in')
        return
    }
    $status = $global:LASTEXITCODE
    try {
        if ($IsWindows -and $extension -eq '.ps1') {
            $start = [System.Diagnostics.ProcessStartInfo]::new([System.IO.Path]::Combine($PSHOME, 'pwsh.exe'))
            foreach ($word in @('-NoLogo', '-NoProfile', '-NonInteractive', '-File', $file)) {
                $start.ArgumentList.Add($word)
            }
        }
        else {
            $start = [System.Diagnostics.ProcessStartInfo]::new($file)
        }
        $start.UseShellExecute = $false
        $start.WorkingDirectory = $Cwd
        foreach ($word in $rest) {
            $start.ArgumentList.Add($word)
        }
        $process = [System.Diagnostics.Process]::Start($start)
        $process.WaitForExit()
        $process.Dispose()
    }
    catch {
        $problem = $_.Exception
        while ($null -ne $problem.InnerException) {
            $problem = $problem.InnerException
        }
        if ($problem -is [System.ComponentModel.Win32Exception]) {
            [System.Console]::Error.WriteLine('venvreg: hook ' + $file + ' is not executable; skipped')
        }
        else {
            [System.Console]::Error.WriteLine('venvreg: hook ' + $file + ': ' + $problem.Message)
        }
    }
    finally {
        $global:LASTEXITCODE = $status
    }
}

function global:__venvreg_run_hook_file {
    # The file of the run hook $Hook, or $null: $Hook itself on Unix; on Windows the first of
    # $Hook.ps1, $Hook.exe, $Hook.bat, $Hook.cmd, $Hook that exists (the last three refused).
    param([string]$Hook)
    $candidates = @($Hook)
    if ($IsWindows) {
        $candidates = @(($Hook + '.ps1'), ($Hook + '.exe'), ($Hook + '.bat'), ($Hook + '.cmd'), $Hook)
    }
    foreach ($candidate in $candidates) {
        if ([System.IO.File]::Exists($candidate)) {
            return $candidate
        }
    }
    return $null
}

function global:__venvreg_source_hook {
    # A "sourced" hook (FILE.ps1), given virtualenvwrapper's internal hook name and any more
    # arguments as its $args. Dot-sourced as the script file it is (its ExternalScriptInfo,
    # found as __venvreg_application finds venvreg): `exit` in it ends the hook only, and
    # $PSScriptRoot and $PSCommandPath are set. Its exit code is not the command's status.
    param([string]$__venvreg_hook)
    if (-not [System.IO.File]::Exists($__venvreg_hook)) {
        return
    }
    $__venvreg_script = __venvreg_application $__venvreg_hook 'ExternalScript'
    if ($null -eq $__venvreg_script) {
        [System.Console]::Error.WriteLine('venvreg: hook ' + $__venvreg_hook + ' cannot be run as a script; skipped')
        return
    }
    $__venvreg_status = $global:LASTEXITCODE
    try {
        . $__venvreg_script @args
    }
    catch {
        [System.Console]::Error.WriteLine('venvreg: hook ' + $__venvreg_hook + ': ' + $_.Exception.Message)
    }
    finally {
        $global:LASTEXITCODE = $__venvreg_status
    }
}

function global:__venvreg_in_env {
    # Run a command inside an env (activated, no hooks, in its folder), then put back the
    # location, VIRTUAL_ENV, PATH and PYTHONHOME; its status is ignored.
    param([string]$EnvPath, [string]$Bin, [string]$Name)
    $rest = [string[]]$args
    $saved = @{
        VIRTUAL_ENV = [System.Environment]::GetEnvironmentVariable('VIRTUAL_ENV')
        PATH = [System.Environment]::GetEnvironmentVariable('PATH')
        PYTHONHOME = [System.Environment]::GetEnvironmentVariable('PYTHONHOME')
    }
    $status = $global:LASTEXITCODE
    $global:__VenvregBusy++
    try {
        Microsoft.PowerShell.Management\Push-Location -LiteralPath $EnvPath -StackName __venvreg -ErrorAction Stop
        try {
            $env:VIRTUAL_ENV = $EnvPath
            if ($saved.PATH) {
                $env:PATH = $Bin + [System.IO.Path]::PathSeparator + $saved.PATH
            }
            else {
                $env:PATH = $Bin
            }
            [System.Environment]::SetEnvironmentVariable('PYTHONHOME', $null)
            $command = $ExecutionContext.InvokeCommand.GetCommand($Name, 'All')
            if ($null -eq $command) {
                [System.Console]::Error.WriteLine('venvreg: command not found: ' + $Name)
            }
            elseif ($command.CommandType -eq 'Application') {
                __venvreg_native $command $rest
            }
            else {
                __venvreg_invoke $command $rest
            }
        }
        finally {
            foreach ($variable in @('VIRTUAL_ENV', 'PATH', 'PYTHONHOME')) {
                [System.Environment]::SetEnvironmentVariable($variable, $saved[$variable])
            }
            Microsoft.PowerShell.Management\Pop-Location -StackName __venvreg
        }
    }
    catch {
        [System.Console]::Error.WriteLine('venvreg: ' + $_.Exception.Message)
    }
    finally {
        $global:__VenvregBusy--
        $global:LASTEXITCODE = $status
    }
}

function global:__venvreg_invoke {
    # Run the cmdlet, function, alias or script $Command with the words of $Argv as typed at the
    # prompt: a word shaped like a parameter (-Force, -Path:, -Depth:2) binds as that parameter,
    # every other word is one string value. Splatting an array would bind every element as a
    # positional value ('-Force' as a path), so the call is written out: a parameter name, which
    # the pattern allows to hold only ASCII letters, digits and _ (or be -?), as itself; every
    # value as "$($__venvreg_values[i])", an index, never its text.
    param($Command, [string[]]$Argv)
    $__venvreg_command = $Command
    $__venvreg_values = [System.Collections.Generic.List[string]]::new()
    $__venvreg_words = [System.Collections.Generic.List[string]]::new()
    $__venvreg_words.Add('& $__venvreg_command')
    foreach ($__venvreg_word in $Argv) {
        if ($__venvreg_word -cmatch '^(-(?:\?|[A-Za-z_][A-Za-z0-9_]*))(:?)(.*)$' -and ($Matches[2] -or -not $Matches[3])) {
            $__venvreg_text = $Matches[1] + $Matches[2]
            if ($Matches[3]) {
                $__venvreg_text += '"$($__venvreg_values[' + $__venvreg_values.Count + '])"'
                $__venvreg_values.Add($Matches[3])
            }
            $__venvreg_words.Add($__venvreg_text)
        }
        else {
            $__venvreg_words.Add('"$($__venvreg_values[' + $__venvreg_values.Count + '])"')
            $__venvreg_values.Add($__venvreg_word)
        }
    }
    . ([scriptblock]::Create($__venvreg_words -join ' '))
}

function global:__venvreg_join {
    # "$1/$2/..." as the bash file writes it, with this system's separator.
    $args -join [System.IO.Path]::DirectorySeparatorChar
}

# --- Activation: venvreg's own, the same for every env (no bin/Activate.ps1 is run) ---

function global:__venvreg_activate {
    # NAME ENV BIN PROMPT PS1_PROMPT PROJECT CD(1/0) HOOK_DIR WORKON_HOME
    param(
        [string]$Name,
        [string]$EnvPath,
        [string]$Bin,
        [string]$Prompt,
        [string]$PromptText,
        [string]$Project,
        [string]$Cd,
        [string]$HookDir,
        [string]$WorkonHome
    )
    if ($global:__VenvregEnv) {
        __venvreg_deactivate
    }
    elseif ($env:VIRTUAL_ENV) {
        # An env activated by its own Activate.ps1.
        $foreign = $null
        try {
            $foreign = $ExecutionContext.InvokeCommand.GetCommand('deactivate', 'Function')
        }
        catch {
            $foreign = $null
        }
        if ($null -ne $foreign) {
            try {
                & $foreign -NonDestructive
            }
            catch {
                $foreign = $null
            }
        }
    }
    __venvreg_run_hook (__venvreg_join $HookDir 'preactivate') $WorkonHome $Name
    __venvreg_run_hook (__venvreg_join $Bin 'preactivate') $WorkonHome $Name

    $global:__VenvregEnv = $EnvPath
    $global:__VenvregName = $Name
    $global:__VenvregBin = $Bin
    $global:__VenvregAuto = $null
    $global:__VenvregHookDir = $HookDir
    $global:__VenvregProject = $Project
    $global:__VenvregOldPath = [System.Environment]::GetEnvironmentVariable('PATH')
    $global:__VenvregOldPythonHome = [System.Environment]::GetEnvironmentVariable('PYTHONHOME')
    if ($null -ne $global:__VenvregOldPythonHome) {
        [System.Environment]::SetEnvironmentVariable('PYTHONHOME', $null)
    }
    if ($global:__VenvregOldPath) {
        $env:PATH = $Bin + [System.IO.Path]::PathSeparator + $global:__VenvregOldPath
    }
    else {
        $env:PATH = $Bin
    }
    $env:VIRTUAL_ENV = $EnvPath
    $env:VIRTUAL_ENV_PROMPT = $Prompt
    $global:__VenvregPromptWrapped = $false
    if (-not $env:VIRTUAL_ENV_DISABLE_PROMPT) {
        $global:__VenvregOldPrompt = ${function:global:prompt}
        $global:__VenvregPromptText = $PromptText
        $global:__VenvregPromptWrapped = $true
        function global:prompt {
            # The old prompt runs first, so it still sees the $? of the user's last command.
            # What it draws with Write-Host (information records tagged PSHOST, caught by 6>&1)
            # is drawn again after the prefix, so the prefix comes first however it draws.
            $previous = & $global:__VenvregPreviousPrompt 6>&1
            $prefix = '(' + $global:__VenvregPromptText + ') '
            $drawn = @($previous | Microsoft.PowerShell.Core\Where-Object { $_ -is [System.Management.Automation.InformationRecord] })
            $text = -join @($previous | Microsoft.PowerShell.Core\Where-Object { $_ -isnot [System.Management.Automation.InformationRecord] })
            if ($drawn.Count -eq 0) {
                return $prefix + $text
            }
            Microsoft.PowerShell.Utility\Write-Host -Object $prefix -NoNewline
            foreach ($record in $drawn) {
                $message = $record.MessageData
                if ($message -isnot [System.Management.Automation.HostInformationMessage]) {
                    Microsoft.PowerShell.Utility\Write-Information -MessageData $message -Tags $record.Tags
                    continue
                }
                # Colours as recorded; a host's "default" (-1 on Unix) is left to the host.
                $colors = @{}
                if ($null -ne $message.ForegroundColor -and [System.Enum]::IsDefined([System.ConsoleColor], $message.ForegroundColor)) {
                    $colors.ForegroundColor = $message.ForegroundColor
                }
                if ($null -ne $message.BackgroundColor -and [System.Enum]::IsDefined([System.ConsoleColor], $message.BackgroundColor)) {
                    $colors.BackgroundColor = $message.BackgroundColor
                }
                Microsoft.PowerShell.Utility\Write-Host -Object $message.Message -NoNewline:([bool]$message.NoNewLine) @colors
            }
            $text
        }
        if ($null -ne $global:__VenvregOldPrompt) {
            $global:__VenvregPreviousPrompt = $global:__VenvregOldPrompt
        }
        else {
            $global:__VenvregPreviousPrompt = {
                'PS ' + $ExecutionContext.SessionState.Path.CurrentLocation + ('>' * ($NestedPromptLevel + 1)) + ' '
            }
        }
    }
    function global:deactivate {
        # Busy: a cd made by a deactivate hook must not auto-activate in the middle of it.
        $global:__VenvregBusy++
        try {
            __venvreg_deactivate
        }
        finally {
            $global:__VenvregBusy--
        }
    }

    if ($Cd -eq '1' -and $Project) {
        Microsoft.PowerShell.Management\Set-Location -LiteralPath $Project -ErrorAction SilentlyContinue
    }
    if ($Project) {
        __venvreg_source_hook (__venvreg_join $Project '.virtualenvwrapper' 'postactivate.ps1') 'post_activate'
    }
    __venvreg_source_hook (__venvreg_join $HookDir 'postactivate.ps1') 'post_activate'
    __venvreg_source_hook (__venvreg_join $Bin 'postactivate.ps1') 'post_activate'
}

function global:__venvreg_deactivate {
    if (-not $global:__VenvregEnv) {
        [System.Console]::Error.WriteLine('venvreg: no environment is active')
        $global:__VenvregStatus = 1
        $global:LASTEXITCODE = 1
        return
    }
    $envPath = $global:__VenvregEnv
    $name = $global:__VenvregName
    $bin = $global:__VenvregBin
    $hooks = $global:__VenvregHookDir
    if ($global:__VenvregProject) {
        __venvreg_source_hook (__venvreg_join $global:__VenvregProject '.virtualenvwrapper' 'predeactivate.ps1') 'pre_deactivate'
    }
    __venvreg_source_hook (__venvreg_join $bin 'predeactivate.ps1') 'pre_deactivate'
    __venvreg_source_hook (__venvreg_join $hooks 'predeactivate.ps1') 'pre_deactivate'

    [System.Environment]::SetEnvironmentVariable('PATH', $global:__VenvregOldPath)
    if ($null -ne $global:__VenvregOldPythonHome) {
        [System.Environment]::SetEnvironmentVariable('PYTHONHOME', $global:__VenvregOldPythonHome)
    }
    if ($global:__VenvregPromptWrapped) {
        if ($null -ne $global:__VenvregOldPrompt) {
            ${function:global:prompt} = $global:__VenvregOldPrompt
        }
        else {
            Microsoft.PowerShell.Management\Remove-Item -LiteralPath 'Function:\prompt' -ErrorAction Ignore
        }
    }
    [System.Environment]::SetEnvironmentVariable('VIRTUAL_ENV', $null)
    [System.Environment]::SetEnvironmentVariable('VIRTUAL_ENV_PROMPT', $null)
    foreach ($variable in @(
            '__VenvregEnv', '__VenvregName', '__VenvregBin', '__VenvregAuto', '__VenvregHookDir',
            '__VenvregProject', '__VenvregOldPath', '__VenvregOldPythonHome', '__VenvregOldPrompt',
            '__VenvregPreviousPrompt', '__VenvregPromptText', '__VenvregPromptWrapped')) {
        Microsoft.PowerShell.Utility\Set-Variable -Name $variable -Value $null -Scope Global
    }
    # Found from here by walking up the scopes: the global one defined at activation (the way
    # virtualenv's own deactivate removes itself).
    Microsoft.PowerShell.Management\Remove-Item -LiteralPath 'Function:\deactivate' -ErrorAction Ignore

    $global:VIRTUALENVWRAPPER_LAST_VIRTUAL_ENV = $envPath
    __venvreg_source_hook (__venvreg_join $bin 'postdeactivate.ps1') 'post_deactivate' $name
    __venvreg_source_hook (__venvreg_join $hooks 'postdeactivate.ps1') 'post_deactivate' $name
    Microsoft.PowerShell.Utility\Remove-Variable -Name VIRTUALENVWRAPPER_LAST_VIRTUAL_ENV -Scope Global -ErrorAction Ignore
    if ([System.IO.File]::Exists((__venvreg_join $envPath 'README.tmpenv'))) {
        __venvreg_call 'rmtmpenv' @($envPath)
    }
}

# --- The commands ---

function global:workon { __venvreg_call 'workon' $args }
function global:mkvirtualenv { __venvreg_call 'mkvirtualenv' $args }
function global:mktmpenv { __venvreg_call 'mktmpenv' $args }
function global:rmvirtualenv { __venvreg_call 'rmvirtualenv' $args }
function global:lsvirtualenv { __venvreg_call 'lsvirtualenv' $args }
function global:showvirtualenv { __venvreg_call 'showvirtualenv' $args }
function global:cpvirtualenv { __venvreg_call 'cpvirtualenv' $args }
function global:allvirtualenv { __venvreg_call 'allvirtualenv' $args }
function global:cdvirtualenv { __venvreg_call 'cdvirtualenv' $args }
function global:cdsitepackages { __venvreg_call 'cdsitepackages' $args }
function global:lssitepackages { __venvreg_call 'lssitepackages' $args }
function global:cdproject { __venvreg_call 'cdproject' $args }
function global:mkproject { __venvreg_call 'mkproject' $args }
function global:setvirtualenvproject { __venvreg_call 'setvirtualenvproject' $args }
function global:add2virtualenv { __venvreg_call 'add2virtualenv' $args }
function global:wipeenv { __venvreg_call 'wipeenv' $args }
function global:toggleglobalsitepackages { __venvreg_call 'toggleglobalsitepackages' $args }
function global:virtualenvwrapper { __venvreg_call 'virtualenvwrapper' $args }

# --- Tab completion: the index the CLI keeps, plus env folders not indexed yet; no Python ---

function global:__venvreg_home {
    # WORKON_HOME, else the config file's workon_home (read now: the file may be loaded by path,
    # with no home line from `venvreg init`), else that line's, else ~/.virtualenvs. A leading ~
    # is expanded as the CLI does ($env:WORKON_HOME = '~/.virtualenvs' keeps it).
    $folder = $env:WORKON_HOME
    if (-not $folder) {
        $folder = __venvreg_configured_home
    }
    if (-not $folder) {
        $folder = [string](Microsoft.PowerShell.Utility\Get-Variable -Name __VenvregDefaultHome -Scope Global -ValueOnly -ErrorAction Ignore)
    }
    if (-not $folder) {
        return [System.IO.Path]::Combine($HOME, '.virtualenvs')
    }
    if ($folder -eq '~') {
        return $HOME
    }
    if ($folder.StartsWith('~/') -or $folder.StartsWith('~\')) {
        return $HOME + $folder.Substring(1)
    }
    return $folder
}

function global:__venvreg_config_file {
    # The file the CLI reads its settings from: $env:VENVREG_CONFIG, else config.toml in
    # platformdirs' user config folder for venvreg (on Windows the local application data
    # folder's venvreg\venvreg).
    if ($env:VENVREG_CONFIG) {
        # A relative path is the CLI's: relative to the shell's location, not .NET's.
        $here = (Microsoft.PowerShell.Management\Get-Location -PSProvider FileSystem).ProviderPath
        return [System.IO.Path]::Combine($here, $env:VENVREG_CONFIG)
    }
    if ($IsWindows) {
        $base = [System.Environment]::GetFolderPath('LocalApplicationData')
        if (-not $base) {
            return ''  # no such folder for this account: no file to read
        }
        return [System.IO.Path]::Combine($base, 'venvreg', 'venvreg', 'config.toml')
    }
    if ($IsMacOS) {
        return [System.IO.Path]::Combine($HOME, 'Library', 'Application Support', 'venvreg', 'config.toml')
    }
    $base = ([string]$env:XDG_CONFIG_HOME).Trim()
    if (-not $base.StartsWith('/', [System.StringComparison]::Ordinal)) {
        $base = [System.IO.Path]::Combine($HOME, '.config')
    }
    return [System.IO.Path]::Combine($base, 'venvreg', 'config.toml')
}

function global:__venvreg_configured_home {
    # The config file's top-level `workon_home` when it is a one-line TOML string (a basic one
    # holding no escapes but \\, \" and \u) with an absolute or ~ path, as the CLI would read
    # it; '' otherwise.
    $file = __venvreg_config_file
    if (-not [System.IO.File]::Exists($file)) {
        return ''
    }
    try {
        $lines = [System.IO.File]::ReadAllLines($file)
    }
    catch {
        return ''
    }
    foreach ($line in $lines) {
        if ($line -cmatch '^\s*\[') {
            return ''  # the first table: workon_home is a top-level key
        }
        if ($line -cnotmatch '^\s*(?:workon_home|"workon_home"|''workon_home'')\s*=\s*(.*)$') {
            continue
        }
        $value = $Matches[1]
        if ($value -cmatch '^''([^'']*)''') {
            $path = $Matches[1]
        }
        elseif ($value -cmatch '^"((?:[^"\\]|\\["\\]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*)"') {
            # What `venvreg config set workon_home C:\envs` writes: "C:\\envs".
            try {
                $path = $Matches[1] -replace '\\(["\\]|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})', {
                    $escape = $_.Groups[1].Value
                    if ($escape.Length -eq 1) {
                        $escape
                    }
                    else {
                        [char]::ConvertFromUtf32([System.Convert]::ToInt32($escape.Substring(1), 16))
                    }
                }
            }
            catch {
                return ''  # a code point TOML refuses
            }
        }
        else {
            return ''  # another escape, a multi-line string, no string: left to the CLI
        }
        $separators = @('~/')
        if ($IsWindows) {
            $separators += '~\'
        }
        if ($path -eq '~' -or [System.IO.Path]::IsPathFullyQualified($path)) {
            return $path
        }
        foreach ($start in $separators) {
            if ($path.StartsWith($start, [System.StringComparison]::Ordinal)) {
                return $path
            }
        }
        return ''
    }
    return ''
}

function global:__venvreg_env_names {
    $folder = __venvreg_home
    $names = [System.Collections.Generic.List[string]]::new()
    $seen = [System.Collections.Generic.HashSet[string]]::new([System.StringComparer]::OrdinalIgnoreCase)
    $index = __venvreg_join $folder '.venvreg' 'names'
    if ([System.IO.File]::Exists($index)) {
        try {
            foreach ($name in [System.IO.File]::ReadAllLines($index)) {
                if ($name -and $seen.Add($name)) {
                    $names.Add($name)
                }
            }
        }
        catch {
            $index = $null
        }
    }
    if ([System.IO.Directory]::Exists($folder)) {
        try {
            foreach ($path in [System.IO.Directory]::EnumerateDirectories($folder)) {
                $name = [System.IO.Path]::GetFileName($path)
                if ($name.StartsWith('.') -or -not [System.IO.File]::Exists((__venvreg_join $path 'pyvenv.cfg'))) {
                    continue
                }
                if ($seen.Add($name)) {
                    $names.Add($name)
                }
            }
        }
        catch {
            $folder = $null
        }
    }
    return , $names
}

function global:__venvreg_typed {
    # What the word being completed stands for. PowerShell hands a completer a quoted word as
    # its value between one pair of quotes ('it''s -> 'it's'), so those two are dropped.
    param([string]$Word)
    if ($Word -match '^[''"\u2018-\u201E]') {
        return $Word.Substring(1) -replace '[''"\u2018-\u201E]$', ''
    }
    return $Word
}

function global:__venvreg_offer {
    # A CompletionResult for each of $Words that starts with what $Word stands for (case
    # ignored, as PowerShell does). Its text is the word itself when made only of letters,
    # digits and _ . + -, else single-quoted with each kind of single quote doubled, so that
    # PowerShell reads it back as that one word; $Lead goes before it (`--backend=`).
    param([string]$Word, [object]$Words, [string]$Type = 'ParameterValue', [string]$Lead = '')
    $prefix = __venvreg_typed $Word
    foreach ($candidate in $Words) {
        $candidate = [string]$candidate
        if (-not $candidate -or -not $candidate.StartsWith($prefix, [System.StringComparison]::OrdinalIgnoreCase)) {
            continue
        }
        $text = $candidate
        if ($candidate -notmatch '^[\p{L}\p{N}_.+-]+$') {
            $text = "'" + ($candidate -replace '[''\u2018-\u201B]', '$0$0') + "'"
        }
        [System.Management.Automation.CompletionResult]::new($Lead + $text, $candidate, $Type, $candidate)
    }
}

function global:__venvreg_complete {
    param([string]$Word)
    __venvreg_offer $Word (__venvreg_env_names)
}

Microsoft.PowerShell.Core\Register-ArgumentCompleter -Native `
    -CommandName @('workon', 'rmvirtualenv', 'cpvirtualenv', 'showvirtualenv') `
    -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    __venvreg_complete ([string]$wordToComplete)
}

# --- Tab completion of the venvreg command itself: subcommands, options and their values, env
# names, trash ids, config keys; from the tables the CLI's generator writes below; no Python. ---

# venvreg-cli-tables: begin (generated by python -m venvreg.cli.completion_spec)
function global:__venvreg_cli_spec {
    # $Path a command path: the tables of that command (see the block below).
    param([string]$Path)
    $spec = @{ subs = @(); opts = @(); valued = @(); args = @(); repeat = $false }
    switch -CaseSensitive -Exact ($Path) {
        '' {
            $spec.subs = @('create', 'list', 'ls', 'show', 'remove', 'rm', 'restore', 'freeze', 'init', 'scan', 'adopt', 'forget', 'doctor', 'prune', 'du', 'rebuild', 'copy', 'rename', 'export', 'import', 'run', 'wipe', 'trash', 'project', 'config', 'registry')
            $spec.opts = @('--version', '--help')
        }
        'create' {
            $spec.opts = @('-p', '--python', '-a', '--project', '-r', '--requirements', '-i', '--install', '--system-site-packages', '--backend', '--prompt', '--help')
            $spec.valued = @('-p=none', '--python=none', '-a=file', '--project=file', '-r=file', '--requirements=file', '-i=none', '--install=none', '--backend=c:virtualenv/venv/uv', '--prompt=none')
            $spec.args = @('none')
        }
        { $_ -ceq 'list' -or $_ -ceq 'ls' } {
            $spec.opts = @('-b', '--brief', '--json', '--sort', '-l', '--wide', '--help')
            $spec.valued = @('--sort=c:name/last-used/size/created')
        }
        'show' {
            $spec.opts = @('--json', '-l', '--wide', '--help')
            $spec.args = @('env')
        }
        { $_ -ceq 'remove' -or $_ -ceq 'rm' } {
            $spec.opts = @('-y', '--yes', '--purge', '--help')
            $spec.args = @('env')
            $spec.repeat = $true
        }
        'restore' {
            $spec.opts = @('--help')
            $spec.args = @('trash')
        }
        'freeze' {
            $spec.opts = @('-o', '--output', '--all', '--json', '--help')
            $spec.valued = @('-o=file', '--output=file')
            $spec.args = @('env')
        }
        'init' {
            $spec.opts = @('--path', '--help')
            $spec.args = @('shell')
        }
        'scan' {
            $spec.opts = @('--max-depth', '--exclude', '--one-file-system', '--cross-file-systems', '--no-size', '--json', '--adopt', '--all', '-y', '--yes', '--include-managed', '-l', '--wide', '--help')
            $spec.valued = @('--max-depth=none', '--exclude=none')
            $spec.args = @('file')
            $spec.repeat = $true
        }
        'adopt' {
            $spec.opts = @('--name', '--help')
            $spec.valued = @('--name=none')
            $spec.args = @('file')
            $spec.repeat = $true
        }
        'forget' {
            $spec.opts = @('--help')
            $spec.args = @('env')
            $spec.repeat = $true
        }
        'doctor' {
            $spec.opts = @('--json', '--deep', '-l', '--wide', '--help')
            $spec.args = @('env')
            $spec.repeat = $true
        }
        'prune' {
            $spec.opts = @('--unused-for', '--broken', '--missing', '--project-gone', '--larger-than', '--include-adopted', '-y', '--yes', '-n', '--dry-run', '--json', '-l', '--wide', '--help')
            $spec.valued = @('--unused-for=none', '--larger-than=none')
        }
        'du' {
            $spec.opts = @('--json', '-l', '--wide', '--help')
        }
        'rebuild' {
            $spec.opts = @('--broken', '-p', '--python', '--help')
            $spec.valued = @('-p=none', '--python=none')
            $spec.args = @('env')
            $spec.repeat = $true
        }
        'copy' {
            $spec.opts = @('--help')
            $spec.args = @('env', 'none')
        }
        'rename' {
            $spec.opts = @('--help')
            $spec.args = @('env', 'none')
        }
        'export' {
            $spec.opts = @('-o', '--output', '--json', '--help')
            $spec.valued = @('-o=file', '--output=file')
        }
        'import' {
            $spec.opts = @('-n', '--dry-run', '--replace', '--allow-pip-options', '--json', '-l', '--wide', '--help')
            $spec.args = @('file')
        }
        'run' {
            $spec.opts = @('--all', '--help')
            $spec.args = @('env')
            $spec.repeat = $true
        }
        'wipe' {
            $spec.opts = @('-y', '--yes', '--help')
            $spec.args = @('env')
        }
        'trash' {
            $spec.subs = @('list', 'empty')
            $spec.opts = @('--help')
        }
        'trash list' {
            $spec.opts = @('--json', '-l', '--wide', '--help')
        }
        'trash empty' {
            $spec.opts = @('--older-than', '-y', '--yes', '-n', '--dry-run', '-l', '--wide', '--help')
            $spec.valued = @('--older-than=none')
        }
        'project' {
            $spec.subs = @('set', 'show')
            $spec.opts = @('--help')
        }
        'project set' {
            $spec.opts = @('--help')
            $spec.args = @('env', 'file')
        }
        'project show' {
            $spec.opts = @('--json', '--help')
            $spec.args = @('env')
        }
        'config' {
            $spec.subs = @('path', 'list', 'get', 'set', 'unset')
            $spec.opts = @('--help')
        }
        'config path' {
            $spec.opts = @('--help')
        }
        'config list' {
            $spec.opts = @('--json', '-l', '--wide', '--help')
        }
        'config get' {
            $spec.opts = @('--json', '--help')
            $spec.args = @('key')
        }
        'config set' {
            $spec.opts = @('--help')
            $spec.args = @('key', 'none')
        }
        'config unset' {
            $spec.opts = @('--help')
            $spec.args = @('key')
        }
        'registry' {
            $spec.subs = @('path', 'query', 'check')
            $spec.opts = @('--help')
        }
        'registry path' {
            $spec.opts = @('--help')
        }
        'registry query' {
            $spec.opts = @('--json', '--csv', '-l', '--wide', '--help')
            $spec.args = @('none')
        }
        'registry check' {
            $spec.opts = @('--help')
        }
    }
    return $spec
}
$global:__VenvregKeys = @('workon_home', 'default_python', 'backend', 'trash_days', 'prune.unused_days', 'auto_activate')
$global:__VenvregShells = @('bash', 'zsh', 'fish', 'pwsh')
# venvreg-cli-tables: end

function global:__venvreg_cli_value_kind {
    # What the value of option $Option of the command $Spec is (file, none, c:A/B/...), or
    # $null when it takes none.
    param($Spec, [string]$Option)
    foreach ($pair in $Spec.valued) {
        $at = $pair.IndexOf('=')
        if ($pair.Substring(0, $at) -ceq $Option) {
            return $pair.Substring($at + 1)
        }
    }
    return $null
}

function global:__venvreg_cli_complete {
    # The candidates for $Word, the word at offset $Cursor of the venvreg command $CommandAst,
    # from the words before it. Nothing for a file or a new name: PowerShell then offers files.
    param([string]$Word, $CommandAst, [int]$Cursor)
    $spec = __venvreg_cli_spec ''
    $path = ''
    $position = 0
    $dashdash = $false
    $pending = $null
    $elements = @($CommandAst.CommandElements)
    for ($i = 1; $i -lt $elements.Count; $i++) {
        $element = $elements[$i]
        if ($element.Extent.EndOffset -ge $Cursor) {
            break
        }
        $token = [string]$element.Extent.Text
        if ($element -is [System.Management.Automation.Language.StringConstantExpressionAst]) {
            $token = [string]$element.Value
        }
        if ($null -ne $pending) {
            $pending = $null
        }
        elseif ($dashdash) {
            $position++
        }
        elseif ($token -ceq '--') {
            $dashdash = $true
        }
        elseif ($token.StartsWith('-', [System.StringComparison]::Ordinal)) {
            $pending = __venvreg_cli_value_kind $spec $token
        }
        elseif ($position -eq 0 -and $spec.subs -ccontains $token) {
            $path = ($path + ' ' + $token).Trim()
            $spec = __venvreg_cli_spec $path
        }
        else {
            $position++
        }
    }
    $kind = $null
    $lead = ''
    if ($null -ne $pending) {
        $kind = $pending
    }
    elseif (-not $dashdash -and $Word.StartsWith('-', [System.StringComparison]::Ordinal)) {
        # --backend=v<Tab>: the value, after the option and its =
        if ($Word -cmatch '^(-[^=]+)=(.*)$') {
            $lead = $Matches[1] + '='
            $kind = __venvreg_cli_value_kind $spec $Matches[1]
            $Word = $Matches[2]
        }
        if ($null -eq $kind) {
            __venvreg_offer ($lead + $Word) $spec.opts 'ParameterName'
            return
        }
    }
    elseif ($spec.subs.Count -gt 0 -and $position -eq 0) {
        __venvreg_offer $Word $spec.subs
        return
    }
    elseif ($path -ceq 'run' -and $dashdash) {
        $kind = 'command'
    }
    elseif ($position -lt $spec.args.Count) {
        $kind = $spec.args[$position]
    }
    elseif ($spec.repeat -and $spec.args.Count -gt 0) {
        $kind = $spec.args[-1]
    }
    $words = @()
    if ($kind -ceq 'env') {
        $words = __venvreg_env_names
    }
    elseif ($kind -ceq 'trash') {
        $trash = __venvreg_join (__venvreg_home) '.venvreg' 'trash'
        $found = [System.Collections.Generic.List[string]]::new()
        if ([System.IO.Directory]::Exists($trash)) {
            try {
                foreach ($entry in [System.IO.Directory]::EnumerateDirectories($trash)) {
                    $id = [System.IO.Path]::GetFileName($entry)
                    if ($id -cmatch '^[0-9]{8}T.*-') {
                        $found.Add($id)
                    }
                }
            }
            catch {
                $trash = $null
            }
        }
        $words = $found
    }
    elseif ($kind -ceq 'shell') {
        $words = $global:__VenvregShells
    }
    elseif ($kind -ceq 'key') {
        $words = $global:__VenvregKeys
    }
    elseif ($kind -ceq 'command') {
        [System.Management.Automation.CompletionCompleters]::CompleteCommand((__venvreg_typed $Word))
        return
    }
    elseif ($null -ne $kind -and $kind.StartsWith('c:', [System.StringComparison]::Ordinal)) {
        $words = $kind.Substring(2).Split('/')
    }
    __venvreg_offer $Word $words 'ParameterValue' $lead
}

# Also for venvreg.exe or a path to it: PowerShell looks a native completer up by the command
# name, then by its file name, then by that name without its extension.
Microsoft.PowerShell.Core\Register-ArgumentCompleter -Native -CommandName 'venvreg' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    __venvreg_cli_complete ([string]$wordToComplete) $commandAst $cursorPosition
}

# --- Auto-activation (venvreg config set auto_activate true): entering a registered project
# folder activates its env; leaving deactivates what was auto-activated. The map is the
# projects file the CLI writes from the user's own registry (pairs of lines: project folder,
# env name; longest folder first); a location change that changes nothing starts no Python. ---

function global:__venvreg_auto {
    if ($global:__VenvregInAuto -or $global:__VenvregBusy -gt 0) {
        return
    }
    $location = $ExecutionContext.SessionState.Path.CurrentLocation
    if ($null -eq $location -or $location.Provider.Name -ne 'FileSystem') {
        return
    }
    $here = $location.ProviderPath
    if ($here -ceq $global:__VenvregLastPwd) {
        return
    }
    $global:__VenvregLastPwd = $here
    $map = __venvreg_join (__venvreg_home) '.venvreg' 'projects'
    if (-not [System.IO.File]::Exists($map)) {
        return
    }
    try {
        $lines = [System.IO.File]::ReadAllLines($map)
    }
    catch {
        return
    }
    $separator = [string][System.IO.Path]::DirectorySeparatorChar
    $comparison = [System.StringComparison]::Ordinal
    if ($separator -eq '\') {
        $comparison = [System.StringComparison]::OrdinalIgnoreCase
    }
    $found = ''
    for ($i = 0; $i + 1 -lt $lines.Count; $i += 2) {
        if (($here + $separator).StartsWith($lines[$i] + $separator, $comparison)) {
            $found = $lines[$i + 1]
            break
        }
    }
    $global:__VenvregInAuto = $true
    try {
        if ($found) {
            if ($found -ceq $global:__VenvregName) {
                return
            }
            if ($global:__VenvregEnv -and -not $global:__VenvregAuto) {
                return
            }
            __venvreg_call 'workon' @('-n', $found)
            if ($global:LASTEXITCODE -eq 0 -and $global:__VenvregEnv) {
                $global:__VenvregAuto = '1'
            }
        }
        elseif ($global:__VenvregAuto -and $global:__VenvregEnv) {
            __venvreg_deactivate
        }
    }
    finally {
        $global:__VenvregInAuto = $false
    }
}

function global:__venvreg_location_changed {
    # The user's $LASTEXITCODE is theirs: a cd that auto-activates leaves it as it was.
    if ($global:__VenvregBusy -gt 0) {
        return
    }
    $status = $global:LASTEXITCODE
    try {
        __venvreg_auto
    }
    catch {
        [System.Console]::Error.WriteLine('venvreg: auto-activation: ' + $_.Exception.Message)
    }
    finally {
        $global:LASTEXITCODE = $status
    }
}

# --- Loading: state defined once (strict mode reads no undefined variable), the location hook
# chained once, whatever was there before kept. ---

& {
    foreach ($variable in @(
            '__VenvregEnv', '__VenvregName', '__VenvregBin', '__VenvregAuto', '__VenvregHookDir',
            '__VenvregProject', '__VenvregOldPath', '__VenvregOldPythonHome', '__VenvregOldPrompt',
            '__VenvregPreviousPrompt', '__VenvregPromptText', '__VenvregPromptWrapped',
            '__VenvregLastPwd', '__VenvregInAuto', '__VenvregLocationHook')) {
        if ($null -eq (Microsoft.PowerShell.Utility\Get-Variable -Name $variable -Scope Global -ErrorAction Ignore)) {
            Microsoft.PowerShell.Utility\Set-Variable -Name $variable -Value $null -Scope Global
        }
    }
    foreach ($variable in @('__VenvregBusy', '__VenvregStatus')) {
        if ($null -eq (Microsoft.PowerShell.Utility\Get-Variable -Name $variable -Scope Global -ErrorAction Ignore)) {
            Microsoft.PowerShell.Utility\Set-Variable -Name $variable -Value 0 -Scope Global
        }
    }
    # Chained once per session: a handler installed by an earlier load stays (it calls the
    # global __venvreg_location_changed, which this load redefined), so a handler that another
    # module chained after it is never chained again behind a new one, which would recurse.
    # Each handler keeps what it chains in its own closure.
    $commands = $ExecutionContext.SessionState.InvokeCommand
    $current = $commands.LocationChangedAction
    if ($null -eq $global:__VenvregLocationHook -or $null -eq $current) {
        $previous = $current
        $handler = [System.EventHandler[System.Management.Automation.LocationChangedEventArgs]] {
            param($source, $change)
            if ($null -ne $previous) {
                try {
                    $previous.Invoke($source, $change)
                }
                catch {
                    [System.Console]::Error.WriteLine('venvreg: location hook: ' + $_.Exception.Message)
                }
            }
            __venvreg_location_changed
        }.GetNewClosure()
        $global:__VenvregLocationHook = $handler
        $commands.LocationChangedAction = $handler
    }
}
__venvreg_location_changed
