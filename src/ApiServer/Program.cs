using Clusterpedia.ApiServer.Configuration;

return await ServerCommand.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
