using Clusterpedia.ApiServer;

var app = ServerApp.Create(args);
await app.RunAsync().ConfigureAwait(false);
