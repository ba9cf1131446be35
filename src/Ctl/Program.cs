using Clusterpedia.Ctl;

return await PediactlCommands.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);
