using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Clusterpedia.ApiServer.Configuration;

/// <summary>
/// The process's command: run the server, or with <c>--print-config</c> print the effective configuration as JSON
/// and exit. A configuration the server refuses (unknown key, wrong type, failed validation) is printed to stderr
/// without a stack trace and ends the process with exit code 2.
/// </summary>
public static class ServerCommand
{
    public const string PrintConfigFlag = "--print-config";
    public const int InvalidConfigurationExitCode = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var print = args.Contains(PrintConfigFlag, StringComparer.Ordinal);
        args = [.. args.Where(a => !a.Equals(PrintConfigFlag, StringComparison.Ordinal))];
        WebApplication app;
        try
        {
            if (print)
            {
                // Built but never started, so printing has no side effects; logs go to stderr, away from the JSON.
                var (builder, _) = ServerApp.CreateBuilder(args, b => b.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
                var built = builder.Build();
                await using (built.ConfigureAwait(false))
                {
                    await stdout.WriteLineAsync(ConfigurationPrinter.Print(built.Services, built.Services.GetRequiredService<ConfigSchema>())).ConfigureAwait(false);
                    return 0;
                }
            }

            app = ServerApp.Create(args);
        }
        catch (Exception e) when (e is InvalidOperationException or OptionsValidationException or FormatException or IOException)
        {
            // Everything that fails while the server is assembled comes from its configuration: a key, a value, a file
            // it names (a missing certificate, a token file, plain HTTP without --insecure-http).
            return await RefuseAsync(stderr, e).ConfigureAwait(false);
        }

        try
        {
            await using (app.ConfigureAwait(false))
            {
                await app.RunAsync().ConfigureAwait(false);
                return 0;
            }
        }
        catch (OptionsValidationException e)
        {
            // ValidateOnStart: the options' own rules (ranges, required values) checked as the host starts.
            return await RefuseAsync(stderr, e).ConfigureAwait(false);
        }
    }

    private static async Task<int> RefuseAsync(TextWriter stderr, Exception e)
    {
        var message = e is OptionsValidationException validation ? string.Join('\n', validation.Failures) : e.Message;
        await stderr.WriteLineAsync("clusterpedia: invalid configuration:\n" + message).ConfigureAwait(false);
        return InvalidConfigurationExitCode;
    }
}
