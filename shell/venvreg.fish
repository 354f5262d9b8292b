# venvreg for fish: virtualenvwrapper's commands on venvreg's registry.
#   venvreg init fish | source      or      source (venvreg init fish --path)
# Every command calls `venvreg __shell fish COMMAND -- ARGS`, checks its status, then evaluates
# the code it printed. Sourcing this file runs no Python and is safe to repeat.
# Sourced hooks are the .fish variants (postactivate.fish, ...); they run inside a function,
# so what they set for the shell needs `set -g` / `set -gx`.

function __venvreg_find_exe
    # The venvreg program PATH names now, as an absolute path (empty when there is none), kept
    # so that a command run later under a narrowed PATH still finds it. A PATH search only:
    # nothing is run.
    set -g __venvreg_exe_path (command -s venvreg)[1]
    if test -n "$__venvreg_exe_path"; and not string match -q -- '/*' $__venvreg_exe_path
        set __venvreg_exe_path $PWD/(string replace -r '^\./' '' -- $__venvreg_exe_path)
    end
end
__venvreg_find_exe

function __venvreg_call
    # Capture first, check the status, then evaluate: a CLI that fails or dies evaluates nothing.
    # A pipe into `read`, not a command substitution, whose stderr fish would send past the
    # function's redirections (fish-shell#1035). The code holds no NUL: -z reads it whole.
    __venvreg_export
    set -l __venvreg_exe venvreg
    test -n "$__venvreg_exe_path"; and set __venvreg_exe $__venvreg_exe_path
    test -n "$VENVREG_EXE"; and set __venvreg_exe $VENVREG_EXE
    set -l __venvreg_code
    # An empty PYTHONHOME: a value set for some other Python must not break venvreg's own.
    PYTHONHOME= command $__venvreg_exe __shell fish $argv | read -lz __venvreg_code
    set -l __venvreg_status $pipestatus[1]
    if test $__venvreg_status -ne 0
        return $__venvreg_status
    end
    __venvreg_hold __venvreg_eval $__venvreg_code
end

function __venvreg_eval
    # `eval` of the whole text (values may hold newlines inside quotes); unlike `| source`,
    # it leaves stdin to the code (allvirtualenv pip uninstall asks on it).
    eval $argv[1]
end

function __venvreg_hold
    # Runs argv with auto-activation held back, then looks at PWD once, as bash's prompt hook
    # does: fish fires --on-variable PWD at once, in the middle of activation or of a hook.
    if set -q __venvreg_busy
        $argv
        return $status
    end
    set -g __venvreg_busy
    $argv
    set -l __venvreg_status $status
    set -e __venvreg_busy
    __venvreg_auto
    return $__venvreg_status
end

function __venvreg_export
    # virtualenvwrapper exports these too; the CLI must see values set without `-x`. A
    # universal one is exported where it lives: a global copy would shadow later `set -U`.
    for __venvreg_var in WORKON_HOME PROJECT_HOME VIRTUALENVWRAPPER_HOOK_DIR \
        VIRTUALENVWRAPPER_WORKON_CD VIRTUALENVWRAPPER_PROJECT_FILENAME \
        VIRTUALENVWRAPPER_VIRTUALENV VIRTUALENVWRAPPER_VIRTUALENV_ARGS
        set -q $__venvreg_var; and not set -qx $__venvreg_var; or continue
        if set -qg $__venvreg_var
            set -gx $__venvreg_var $$__venvreg_var
        else if set -qU $__venvreg_var
            set -Ux $__venvreg_var $$__venvreg_var
        end
    end
    return 0
end

function __venvreg_run_hook
    # A "run" hook: executed (not sourced) in argv[2], its status ignored. argv[1] hook.
    if test -f "$argv[1]"
        if test -x "$argv[1]"
            command sh -c 'cd -- "$1" && shift && exec "$@"' venvreg \
                $argv[2] $argv[1] $argv[3..-1]
        else
            builtin printf 'venvreg: hook %s is not executable; skipped\n' $argv[1] >&2
        end
    end
    return 0
end

function __venvreg_source_hook
    # A "sourced" hook, given virtualenvwrapper's internal hook name as argv[2].
    if test -f "$argv[1]"
        builtin source $argv
    end
    return 0
end

function __venvreg_cd
    builtin cd -- $argv[1]
end

function __venvreg_print
    builtin printf '%s\n' $argv
end

function __venvreg_status
    return $argv[1]
end

function __venvreg_exec
    command $argv
end

function __venvreg_in_env
    # Runs argv[3..] inside env argv[1] (activated, no hooks), in that folder, leaving the
    # shell as it was: a program in `sh`; a function or builtin here, then back.
    # fish cannot unset a variable for one block; Python ignores an empty PYTHONHOME.
    begin
        set -lx VIRTUAL_ENV $argv[1]
        set -lx PATH $argv[2] $PATH
        set -q PYTHONHOME; and set -lx PYTHONHOME ''
        if builtin functions -q -- $argv[3]; or builtin contains -- $argv[3] (builtin builtin -n)
            set -l __venvreg_back $PWD
            builtin cd -- $argv[1]; or return 0
            # eval, not $argv[3..]: `command` or `builtin` from a variable is not the keyword
            eval (string escape -- $argv[3..-1])
            builtin cd -- $__venvreg_back
        else
            command sh -c 'cd -- "$1" && shift && unset PYTHONHOME && exec "$@"' venvreg \
                $argv[1] $argv[3..-1]
        end
    end
    return 0
end

function __venvreg_activate
    # argv: 1 name  2 env  3 bin  4 prompt  5 the same prompt (bash escapes it for PS1)
    #       6 project  7 cd (1/0)  8 hook dir  9 WORKON_HOME
    if set -q __venvreg_active_env
        __venvreg_deactivate
    else if test -n "$VIRTUAL_ENV"; and builtin functions -q deactivate
        deactivate nondestructive # an env activated by its own bin/activate.fish
    end
    __venvreg_run_hook "$argv[8]/preactivate" $argv[9] $argv[1]
    __venvreg_run_hook "$argv[2]/bin/preactivate" $argv[9] $argv[1]

    set -g __venvreg_active_env $argv[2]
    set -g __venvreg_active_name $argv[1]
    set -e __venvreg_auto_active
    set -g __venvreg_hook_dir $argv[8]
    set -g __venvreg_project $argv[6]
    set -g __venvreg_old_path $PATH
    if set -q PYTHONHOME
        set -g __venvreg_old_pythonhome $PYTHONHOME
        set -e PYTHONHOME
    end
    set -gx PATH $argv[3] $PATH
    set -gx VIRTUAL_ENV $argv[2]
    set -gx VIRTUAL_ENV_PROMPT $argv[4]
    if test -z "$VIRTUAL_ENV_DISABLE_PROMPT"
        __venvreg_wrap_prompt $argv[4]
    end
    function deactivate --description 'Deactivate the venvreg environment'
        __venvreg_hold __venvreg_deactivate $argv
    end

    if test "$argv[7]" = 1; and test -n "$argv[6]"
        __venvreg_cd $argv[6]
    end
    if test -n "$argv[6]"
        __venvreg_source_hook "$argv[6]/.virtualenvwrapper/postactivate.fish" post_activate
    end
    __venvreg_source_hook "$argv[8]/postactivate.fish" post_activate
    __venvreg_source_hook "$argv[2]/bin/postactivate.fish" post_activate
    return 0
end

function __venvreg_wrap_prompt
    # As virtualenv's activate.fish: keep the user's fish_prompt under a private name and put
    # one in front that prints "(prompt) " (as data, never evaluated), then calls it.
    set -g __venvreg_prompt $argv[1]
    set -q __venvreg_prompt_wrapped; and return 0
    builtin functions -e __venvreg_old_fish_prompt
    if builtin functions -q fish_prompt
        builtin functions -c fish_prompt __venvreg_old_fish_prompt
    end
    function fish_prompt --description 'Write out the prompt (venvreg: with the environment)'
        set -l __venvreg_last $status
        builtin printf '(%s) ' "$__venvreg_prompt"
        if builtin functions -q __venvreg_old_fish_prompt
            __venvreg_status $__venvreg_last
            __venvreg_old_fish_prompt
        end
    end
    set -g __venvreg_prompt_wrapped
end

function __venvreg_unwrap_prompt
    # An empty function path keeps fish from autoloading a fish_prompt between the two steps.
    set -l fish_function_path
    builtin functions -e fish_prompt
    if builtin functions -q __venvreg_old_fish_prompt
        builtin functions -c __venvreg_old_fish_prompt fish_prompt
        builtin functions -e __venvreg_old_fish_prompt
    end
    set -e __venvreg_prompt_wrapped __venvreg_prompt
end

function __venvreg_deactivate
    if not set -q __venvreg_active_env
        builtin printf '%s\n' "venvreg: no environment is active" >&2
        return 1
    end
    set -l __venvreg_env $__venvreg_active_env
    set -l __venvreg_name $__venvreg_active_name
    set -l __venvreg_hooks $__venvreg_hook_dir
    if test -n "$__venvreg_project"
        __venvreg_source_hook "$__venvreg_project/.virtualenvwrapper/predeactivate.fish" \
            pre_deactivate
    end
    __venvreg_source_hook "$__venvreg_env/bin/predeactivate.fish" pre_deactivate
    __venvreg_source_hook "$__venvreg_hooks/predeactivate.fish" pre_deactivate

    set -gx PATH $__venvreg_old_path
    if set -q __venvreg_old_pythonhome
        set -gx PYTHONHOME $__venvreg_old_pythonhome
        set -e __venvreg_old_pythonhome
    end
    if set -q __venvreg_prompt_wrapped
        __venvreg_unwrap_prompt
    end
    set -eg VIRTUAL_ENV
    set -eg VIRTUAL_ENV_PROMPT
    set -e __venvreg_active_env __venvreg_active_name __venvreg_hook_dir __venvreg_auto_active
    set -e __venvreg_project __venvreg_old_path
    builtin functions -e deactivate

    set -g VIRTUALENVWRAPPER_LAST_VIRTUAL_ENV $__venvreg_env
    __venvreg_source_hook "$__venvreg_env/bin/postdeactivate.fish" post_deactivate $__venvreg_name
    __venvreg_source_hook "$__venvreg_hooks/postdeactivate.fish" post_deactivate $__venvreg_name
    set -e VIRTUALENVWRAPPER_LAST_VIRTUAL_ENV
    if test -f "$__venvreg_env/README.tmpenv"
        __venvreg_call rmtmpenv -- $__venvreg_env
    end
    return 0
end

function workon
    __venvreg_call workon -- $argv
end
function mkvirtualenv
    __venvreg_call mkvirtualenv -- $argv
end
function mktmpenv
    __venvreg_call mktmpenv -- $argv
end
function rmvirtualenv
    __venvreg_call rmvirtualenv -- $argv
end
function lsvirtualenv
    # -b prints the listing the CLI left while WORKON_HOME has not changed since: no Python.
    if test (count $argv) -eq 1; and test "$argv[1]" = -b
        set -l __venvreg_home (__venvreg_home | string collect -N)
        if test "$__venvreg_home/.venvreg/brief" -nt "$__venvreg_home"
            string match -- '*' <"$__venvreg_home/.venvreg/brief"  # every line, as it is
            return 0
        end
    end
    __venvreg_call lsvirtualenv -- $argv
end
function showvirtualenv
    __venvreg_call showvirtualenv -- $argv
end
function cpvirtualenv
    __venvreg_call cpvirtualenv -- $argv
end
function allvirtualenv
    __venvreg_call allvirtualenv -- $argv
end
function cdvirtualenv
    __venvreg_call cdvirtualenv -- $argv
end
function cdsitepackages
    __venvreg_call cdsitepackages -- $argv
end
function lssitepackages
    __venvreg_call lssitepackages -- $argv
end
function cdproject
    __venvreg_call cdproject -- $argv
end
function mkproject
    __venvreg_call mkproject -- $argv
end
function setvirtualenvproject
    __venvreg_call setvirtualenvproject -- $argv
end
function add2virtualenv
    __venvreg_call add2virtualenv -- $argv
end
function wipeenv
    __venvreg_call wipeenv -- $argv
end
function toggleglobalsitepackages
    __venvreg_call toggleglobalsitepackages -- $argv
end
function virtualenvwrapper
    __venvreg_call virtualenvwrapper -- $argv
end

# --- Tab completion: the index the CLI keeps, plus env folders not indexed yet; no Python ---

function __venvreg_home
    # WORKON_HOME, else the config file's workon_home (read now: the file may be sourced by
    # path, with no home line from `venvreg init`), else that line's, else ~/.virtualenvs.
    set -l __venvreg_dir "$HOME/.virtualenvs"
    set -l __venvreg_configured (__venvreg_configured_home | string collect -N)
    if test -n "$WORKON_HOME"
        set __venvreg_dir "$WORKON_HOME"
    else if test -n "$__venvreg_configured"
        set __venvreg_dir "$__venvreg_configured"
    else if test -n "$__venvreg_default_home"
        set __venvreg_dir "$__venvreg_default_home"
    end
    # A leading ~ is expanded as the CLI does (set -gx WORKON_HOME '~/.virtualenvs' keeps it).
    if test "$__venvreg_dir" = "~"
        set __venvreg_dir "$HOME"
    else if string match -q -- '~/*' "$__venvreg_dir"
        set __venvreg_dir "$HOME/"(string sub -s 3 -- "$__venvreg_dir")
    end
    builtin printf '%s' "$__venvreg_dir"
end

function __venvreg_configured_home
    # Prints the config file's top-level `workon_home` when it is a plain TOML string (no
    # escapes) holding an absolute or ~ path, as the CLI would read it; nothing otherwise.
    set -q WORKON_HOME; and test -n "$WORKON_HOME"; and return 0
    set -l __venvreg_file "$VENVREG_CONFIG"
    if test -z "$__venvreg_file"
        set __venvreg_file "$HOME/.config/venvreg/config.toml"
        string match -q -- '/*' "$XDG_CONFIG_HOME"
        and set __venvreg_file "$XDG_CONFIG_HOME/venvreg/config.toml"
        # macOS: the CLI's folder there (fish has no OSTYPE; that folder exists nowhere else)
        test -d "$HOME/Library/Application Support"
        and set __venvreg_file "$HOME/Library/Application Support/venvreg/config.toml"
    end
    test -f "$__venvreg_file"; or return 0
    while read -l __venvreg_line
        string match -q -r '^\s*\[' -- $__venvreg_line; and return 0
        set -l __venvreg_found (string match -r -- \
            '^\s*(?:workon_home|"workon_home"|\'workon_home\')\s*=\s*(?:"([^"\\\\]*)"|\'([^\']*)\')' \
            $__venvreg_line)
        set -q __venvreg_found[1]; or continue
        set -l __venvreg_value $__venvreg_found[2..-1]
        string match -q -r -- '^(/|~$|~/)' "$__venvreg_value[-1]"
        and builtin printf '%s' "$__venvreg_value[-1]"
        return 0
    end <$__venvreg_file
end

function __venvreg_env_names
    set -l __venvreg_dir (__venvreg_home | string collect -N)
    set -l __venvreg_names
    if test -f "$__venvreg_dir/.venvreg/names"
        while read -l __venvreg_name
            builtin contains -- $__venvreg_name $__venvreg_names
            or set -a __venvreg_names $__venvreg_name
        end <"$__venvreg_dir/.venvreg/names"
    end
    for __venvreg_cfg in "$__venvreg_dir"/*/pyvenv.cfg
        test -f "$__venvreg_cfg"; or continue
        set -l __venvreg_name \
            (string replace -r '(?s)^.*/([^/]*)/pyvenv\.cfg$' '$1' -- $__venvreg_cfg)
        builtin contains -- $__venvreg_name $__venvreg_names
        or set -a __venvreg_names $__venvreg_name
    end
    builtin printf '%s\n' $__venvreg_names
end

for __venvreg_cmd in workon rmvirtualenv cpvirtualenv showvirtualenv
    builtin complete -e -c $__venvreg_cmd
    builtin complete -c $__venvreg_cmd -f -a '(__venvreg_env_names)'
end
set -e __venvreg_cmd

# --- virtualenvwrapper's stock global hook files, and its initialize hook ---

# Name, mode (as virtualenvwrapper sets them: run hooks and postmkproject 755, the other sourced
# hooks 644) and header comment of each file, in the order virtualenvwrapper 6.1 writes them; fish's sourced hooks are the .fish variants.
# The last is the mark that all are there. A `|` in a comment starts a new line.
set -g __venvreg_hook_files \
    'initialize.fish 644 This hook is sourced during the startup phase when loading virtualenvwrapper.sh.' \
    'premkvirtualenv 755 This hook is run after a new virtualenv is created and before it is activated.|# argument: name of new environment' \
    'postmkvirtualenv.fish 644 This hook is sourced after a new virtualenv is activated.' \
    'prermvirtualenv 755 This hook is run before a virtualenv is deleted.|# argument: full path to environment directory' \
    'postrmvirtualenv 755 This hook is run after a virtualenv is deleted.|# argument: full path to environment directory' \
    'predeactivate.fish 644 This hook is sourced before every virtualenv is deactivated.' \
    'postdeactivate.fish 644 This hook is sourced after every virtualenv is deactivated.' \
    'preactivate 755 This hook is run before every virtualenv is activated.|# argument: environment name' \
    'postactivate.fish 644 This hook is sourced after every virtualenv is activated.' \
    'get_env_details 755 This hook is run when the list of virtualenvs is printed so each name can include details.|# argument: environment name' \
    'premkproject 755 This hook is run after a new project is created and before it is activated.' \
    'postmkproject.fish 755 This hook is run after a new project is activated.'

function __venvreg_make_hook_files
    # argv[1] the hook folder. Writes each stock file that is missing (a file of the user's is
    # never touched); once the mark exists, this is one stat.
    test -e "$argv[1]/postmkproject.fish"; and return 0
    # fish reports a command missing from PATH past any redirection: look first.
    command -q mkdir; and command -q chmod; or return 0
    command mkdir -p -- $argv[1] 2>/dev/null; or return 0
    set -l __venvreg_shell /bin/sh
    test -n "$SHELL"; and set __venvreg_shell $SHELL
    for __venvreg_entry in $__venvreg_hook_files
        set -l __venvreg_parts (string split -m 2 ' ' -- $__venvreg_entry)
        set -l __venvreg_file $argv[1]/$__venvreg_parts[1]
        test -e "$__venvreg_file"; and continue
        set -l __venvreg_lines (string split '|' -- $__venvreg_parts[3])
        builtin printf '#!%s\n# %s\n' $__venvreg_shell $__venvreg_lines[1] >$__venvreg_file 2>/dev/null
        or return 0
        builtin printf '%s\n' $__venvreg_lines[2..-1] '' >>$__venvreg_file
        command chmod $__venvreg_parts[2] $__venvreg_file 2>/dev/null
    end
    return 0
end

function __venvreg_initialize
    # As virtualenvwrapper when it is sourced: the hook folder and its stock files, then the
    # user's initialize hook. No Python runs.
    set -l __venvreg_hooks "$VIRTUALENVWRAPPER_HOOK_DIR"
    test -n "$__venvreg_hooks"; or set __venvreg_hooks (__venvreg_home | string collect -N)
    __venvreg_make_hook_files $__venvreg_hooks
    __venvreg_source_hook "$__venvreg_hooks/initialize.fish" initialize
end

# --- Auto-activation (venvreg config set auto_activate true): entering a registered project
# folder activates its env; leaving deactivates what was auto-activated. The map is the
# projects file the CLI writes from the user's own registry; a cd that changes nothing, or
# changes nothing about activation, starts no Python. ---

function __venvreg_auto
    test "$PWD" != "$__venvreg_last_pwd"; or return 0
    set -g __venvreg_last_pwd $PWD
    set -l __venvreg_map (__venvreg_home | string collect -N)/.venvreg/projects
    test -f "$__venvreg_map"; or return 0
    set -l __venvreg_found
    while read -l __venvreg_folder; and read -l __venvreg_name
        # A literal prefix test of "$PWD/": the folder may hold *, ?, [ or regex characters.
        set -l __venvreg_re '^'(string escape --style=regex -- "$__venvreg_folder/")
        if string match -qr -- $__venvreg_re "$PWD/"
            set __venvreg_found $__venvreg_name
            break
        end
    end <$__venvreg_map
    if test -n "$__venvreg_found"
        test "$__venvreg_found" = "$__venvreg_active_name"; and return 0
        if set -q __venvreg_active_env; and not set -q __venvreg_auto_active
            return 0
        end
        __venvreg_call workon -- -n $__venvreg_found; and set -g __venvreg_auto_active 1
    else if set -q __venvreg_auto_active; and set -q __venvreg_active_env
        __venvreg_hold __venvreg_deactivate
    end
    return 0
end

function __venvreg_on_pwd --on-variable PWD
    set -q __venvreg_busy; or __venvreg_auto
end

function __venvreg_on_prompt --on-event fish_prompt
    # Nothing of venvreg runs at a prompt: a hold left by Ctrl-C ends here.
    set -e __venvreg_busy
    __venvreg_auto
end

__venvreg_initialize
__venvreg_auto

# --- Tab completion of the venvreg command itself: subcommands, options and their values, env
# names, trash ids, config keys; from the tables the CLI's generator writes below; no Python.
# (A self-contained block: it uses only __venvreg_home and __venvreg_env_names above.) ---

# venvreg-cli-tables: begin (generated by python -m venvreg.cli.completion_spec)
function __venvreg_cli_spec
    # $argv[1] command path: sets the tables of that command (see the block below)
    set -g __venvreg_subs
    set -g __venvreg_opts
    set -g __venvreg_valued
    set -g __venvreg_args
    set -g __venvreg_repeat
    switch "$argv[1]"
        case ''
            set -g __venvreg_subs create list ls show remove rm restore freeze init scan adopt forget doctor prune du rebuild copy rename export import run wipe trash project config registry
            set -g __venvreg_opts --version --help
        case 'create'
            set -g __venvreg_opts -p --python -a --project -r --requirements -i --install --system-site-packages --backend --prompt --help
            set -g __venvreg_valued -p=none --python=none -a=file --project=file -r=file --requirements=file -i=none --install=none --backend=c:virtualenv/venv/uv --prompt=none
            set -g __venvreg_args none
        case 'list' 'ls'
            set -g __venvreg_opts -b --brief --json --sort -l --wide --help
            set -g __venvreg_valued --sort=c:name/last-used/size/created
        case 'show'
            set -g __venvreg_opts --json -l --wide --help
            set -g __venvreg_args env
        case 'remove' 'rm'
            set -g __venvreg_opts -y --yes --purge --help
            set -g __venvreg_args env
            set -g __venvreg_repeat 1
        case 'restore'
            set -g __venvreg_opts --help
            set -g __venvreg_args trash
        case 'freeze'
            set -g __venvreg_opts -o --output --all --json --help
            set -g __venvreg_valued -o=file --output=file
            set -g __venvreg_args env
        case 'init'
            set -g __venvreg_opts --path --help
            set -g __venvreg_args shell
        case 'scan'
            set -g __venvreg_opts --max-depth --exclude --one-file-system --cross-file-systems --no-size --json --adopt --all -y --yes --include-managed -l --wide --help
            set -g __venvreg_valued --max-depth=none --exclude=none
            set -g __venvreg_args file
            set -g __venvreg_repeat 1
        case 'adopt'
            set -g __venvreg_opts --name --help
            set -g __venvreg_valued --name=none
            set -g __venvreg_args file
            set -g __venvreg_repeat 1
        case 'forget'
            set -g __venvreg_opts --help
            set -g __venvreg_args env
            set -g __venvreg_repeat 1
        case 'doctor'
            set -g __venvreg_opts --json --deep -l --wide --help
            set -g __venvreg_args env
            set -g __venvreg_repeat 1
        case 'prune'
            set -g __venvreg_opts --unused-for --broken --missing --project-gone --larger-than --include-adopted -y --yes -n --dry-run --json -l --wide --help
            set -g __venvreg_valued --unused-for=none --larger-than=none
        case 'du'
            set -g __venvreg_opts --json -l --wide --help
        case 'rebuild'
            set -g __venvreg_opts --broken -p --python --help
            set -g __venvreg_valued -p=none --python=none
            set -g __venvreg_args env
            set -g __venvreg_repeat 1
        case 'copy'
            set -g __venvreg_opts --help
            set -g __venvreg_args env none
        case 'rename'
            set -g __venvreg_opts --help
            set -g __venvreg_args env none
        case 'export'
            set -g __venvreg_opts -o --output --json --help
            set -g __venvreg_valued -o=file --output=file
        case 'import'
            set -g __venvreg_opts -n --dry-run --replace --allow-pip-options --json -l --wide --help
            set -g __venvreg_args file
        case 'run'
            set -g __venvreg_opts --all --help
            set -g __venvreg_args env
            set -g __venvreg_repeat 1
        case 'wipe'
            set -g __venvreg_opts -y --yes --help
            set -g __venvreg_args env
        case 'trash'
            set -g __venvreg_subs list empty
            set -g __venvreg_opts --help
        case 'trash list'
            set -g __venvreg_opts --json -l --wide --help
        case 'trash empty'
            set -g __venvreg_opts --older-than -y --yes -n --dry-run -l --wide --help
            set -g __venvreg_valued --older-than=none
        case 'project'
            set -g __venvreg_subs set show
            set -g __venvreg_opts --help
        case 'project set'
            set -g __venvreg_opts --help
            set -g __venvreg_args env file
        case 'project show'
            set -g __venvreg_opts --json --help
            set -g __venvreg_args env
        case 'config'
            set -g __venvreg_subs path list get set unset
            set -g __venvreg_opts --help
        case 'config path'
            set -g __venvreg_opts --help
        case 'config list'
            set -g __venvreg_opts --json -l --wide --help
        case 'config get'
            set -g __venvreg_opts --json --help
            set -g __venvreg_args key
        case 'config set'
            set -g __venvreg_opts --help
            set -g __venvreg_args key none
        case 'config unset'
            set -g __venvreg_opts --help
            set -g __venvreg_args key
        case 'registry'
            set -g __venvreg_subs path query check
            set -g __venvreg_opts --help
        case 'registry path'
            set -g __venvreg_opts --help
        case 'registry query'
            set -g __venvreg_opts --json --csv -l --wide --help
            set -g __venvreg_args none
        case 'registry check'
            set -g __venvreg_opts --help
    end
end
set -g __venvreg_keys workon_home default_python backend trash_days prune.unused_days auto_activate
set -g __venvreg_shells bash zsh fish pwsh
# venvreg-cli-tables: end

function __venvreg_cli_candidates
    # The candidates for the token being completed, from the tokens before it.
    set -l __venvreg_tokens (commandline -opc)
    set -l __venvreg_cur (commandline -ct)
    set -l __venvreg_path ''
    set -l __venvreg_pos 0
    set -l __venvreg_dashdash
    set -l __venvreg_pending
    set -l __venvreg_kind
    __venvreg_cli_spec ''
    for __venvreg_word in $__venvreg_tokens[2..-1]
        if test -n "$__venvreg_pending"
            set __venvreg_pending
        else if test -n "$__venvreg_dashdash"
            set __venvreg_pos (math $__venvreg_pos + 1)
        else if test "$__venvreg_word" = --
            set __venvreg_dashdash 1
        else if string match -q -- '-*' $__venvreg_word
            string match -q -- '*=*' $__venvreg_word; and continue
            for __venvreg_pair in $__venvreg_valued
                if test (string split -m 1 = -- $__venvreg_pair)[1] = "$__venvreg_word"
                    set __venvreg_pending (string split -m 1 = -- $__venvreg_pair)[2]
                end
            end
        else if test $__venvreg_pos -eq 0; and builtin contains -- $__venvreg_word $__venvreg_subs
            set __venvreg_path (string trim -- "$__venvreg_path $__venvreg_word")
            __venvreg_cli_spec $__venvreg_path
        else
            set __venvreg_pos (math $__venvreg_pos + 1)
        end
    end
    if test -n "$__venvreg_pending"
        set __venvreg_kind $__venvreg_pending
    else if test -z "$__venvreg_dashdash"; and string match -q -- '-*' $__venvreg_cur
        builtin printf '%s\n' $__venvreg_opts
        return 0
    else if test (count $__venvreg_subs) -gt 0; and test $__venvreg_pos -eq 0
        builtin printf '%s\n' $__venvreg_subs
        return 0
    else if test "$__venvreg_path" = run; and test -n "$__venvreg_dashdash"
        set __venvreg_kind command
    else if test $__venvreg_pos -lt (count $__venvreg_args)
        set __venvreg_kind $__venvreg_args[(math $__venvreg_pos + 1)]
    else if test -n "$__venvreg_repeat"; and test (count $__venvreg_args) -gt 0
        set __venvreg_kind $__venvreg_args[-1]
    end
    switch "$__venvreg_kind"
        case env
            __venvreg_env_names
        case trash
            for __venvreg_entry in (__venvreg_home | string collect -N)/.venvreg/trash/*/
                string replace -rf '^.*/([0-9]{8}T[^/]*-[^/]*)/$' '$1' -- $__venvreg_entry
            end
        case shell
            builtin printf '%s\n' $__venvreg_shells
        case key
            builtin printf '%s\n' $__venvreg_keys
        case 'c:*'
            string split / -- (string sub -s 3 -- $__venvreg_kind)
        case file
            __fish_complete_path $__venvreg_cur
        case command
            __fish_complete_command
    end
end

builtin complete -e -c venvreg
builtin complete -c venvreg -f -a '(__venvreg_cli_candidates)'
