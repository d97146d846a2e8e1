# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_pgctl_global_optspecs
    string join \n h/help V/version
end

function __fish_pgctl_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_pgctl_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_pgctl_using_subcommand
    set -l cmd (__fish_pgctl_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c pgctl -n "__fish_pgctl_needs_command" -s h -l help -d 'Print help'
complete -c pgctl -n "__fish_pgctl_needs_command" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "validate" -d 'Check postgresql manifests offline, without a cluster'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "crd" -d 'Print the CustomResourceDefinition of the postgresql resource'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "reference-markdown" -d 'Print the command reference as Markdown (for docs/cli.md)'
complete -c pgctl -n "__fish_pgctl_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pgctl -n "__fish_pgctl_using_subcommand validate" -s f -l filename -d 'Manifest file to check, or `-` for standard input; repeat for several files' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand validate" -l operator-config -d 'Operator ConfigMap (YAML) whose settings apply, e.g. min_instances; defaults otherwise' -r -F
complete -c pgctl -n "__fish_pgctl_using_subcommand validate" -l strict -d 'Treat warnings as errors (exit 1 when there is any)'
complete -c pgctl -n "__fish_pgctl_using_subcommand validate" -s h -l help -d 'Print help'
complete -c pgctl -n "__fish_pgctl_using_subcommand validate" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand crd" -s h -l help -d 'Print help'
complete -c pgctl -n "__fish_pgctl_using_subcommand crd" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand completions" -s h -l help -d 'Print help'
complete -c pgctl -n "__fish_pgctl_using_subcommand completions" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand reference-markdown" -s h -l help -d 'Print help'
complete -c pgctl -n "__fish_pgctl_using_subcommand reference-markdown" -s V -l version -d 'Print version'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from validate crd completions reference-markdown help" -f -a "validate" -d 'Check postgresql manifests offline, without a cluster'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from validate crd completions reference-markdown help" -f -a "crd" -d 'Print the CustomResourceDefinition of the postgresql resource'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from validate crd completions reference-markdown help" -f -a "completions" -d 'Print a shell completion script (bash, zsh, fish, powershell, elvish)'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from validate crd completions reference-markdown help" -f -a "reference-markdown" -d 'Print the command reference as Markdown (for docs/cli.md)'
complete -c pgctl -n "__fish_pgctl_using_subcommand help; and not __fish_seen_subcommand_from validate crd completions reference-markdown help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
