using System.Threading.Channels;
using Clusterpedia.Kube.Client;
using Clusterpedia.KubeSim;

namespace Clusterpedia.Kube.Tests.Client;

/// <summary>The one list-watch loop against the simulator on Kestrel: list then watch, 410, resume, backoff.</summary>
public sealed class ReflectorTests : IAsyncLifetime, IDisposable
{
    private const string _namespace = "reflector-test";
    private const string _configMaps = "/api/v1/namespaces/reflector-test/configmaps";
    private static readonly GroupVersionResource _configMapsGvr = new("", "v1", "configmaps");
    private static readonly TimeSpan _wait = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stop = new();
    private SimulatorWithClient? _simulator;

    private SimulatedCluster Cluster => (_simulator ?? throw new InvalidOperationException("simulator not started")).Cluster;

    private KubeClient Client => (_simulator ?? throw new InvalidOperationException("simulator not started")).Client;

    public async Task InitializeAsync() => _simulator = await SimulatorWithClient.StartAsync(_namespace);

    public void Dispose() => _stop.Dispose();

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_simulator is not null)
        {
            await _simulator.DisposeAsync();
        }
    }

    [Fact]
    public async Task RunAsync_ListThenWatch_GivesPagesThenEventsWithTheirIdentity()
    {
        CreateConfigMap("a");
        CreateConfigMap("b");
        CreateConfigMap("c");
        var handler = new RecordingHandler();
        var run = Start(handler, new ReflectorOptions { PageSize = 2 });

        await handler.WaitForAsync("listed");
        handler.Pages.ShouldBe(2);
        handler.ListedNames.Order(StringComparer.Ordinal).ShouldBe(["a", "b", "c"]);
        var created = CreateConfigMap("d");

        var added = await handler.WaitForEventAsync(WatchEventType.Added, "d");
        added.Identity.Namespace.ShouldBe(_namespace);
        added.Identity.ResourceVersion.ShouldBe(created["metadata"]!["resourceVersion"]!.GetValue<string>());
        await StopAsync(run);
    }

    [Fact]
    public async Task RunAsync_WatchExpired_ListsAgainAtOnce()
    {
        CreateConfigMap("a");
        var handler = new RecordingHandler();

        // Between the first list and its watch, the history moves past the list's resourceVersion: the watch gets 410.
        handler.OnFirstListed = () =>
        {
            CreateConfigMap("b");
            Cluster.Store.Compact();
        };
        var run = Start(handler, new ReflectorOptions());

        await handler.WaitForAsync("expired");
        await handler.WaitForAsync("listed");
        handler.ListedNames.Order(StringComparer.Ordinal).ShouldBe(["a", "b"]);
        handler.Errors.ShouldBe(0);
        await StopAsync(run);
    }

    [Fact]
    public async Task RunAsync_WatchDropped_ResumesFromLastResourceVersionWithoutRelisting()
    {
        var handler = new RecordingHandler();
        var run = Start(handler, new ReflectorOptions());
        await handler.WaitForAsync("listed");
        CreateConfigMap("a");
        await handler.WaitForEventAsync(WatchEventType.Added, "a");

        Cluster.Faults.DropWatches();
        await handler.WaitForAsync("watch ended");
        CreateConfigMap("b");

        await handler.WaitForEventAsync(WatchEventType.Added, "b");
        handler.Lists.ShouldBe(1);
        handler.EventNames.ShouldBe(["a", "b"]);
        await StopAsync(run);
    }

    [Fact]
    public async Task RunAsync_ListFails_BacksOffThroughTheTimeProviderThenRecovers()
    {
        CreateConfigMap("a");
        Cluster.Faults.SetErrorRate(1.0, statusCode: 403, pathPrefix: _configMaps);
        var time = new RecordingTimeProvider();
        var handler = new RecordingHandler();
        var options = new ReflectorOptions { BackoffBase = TimeSpan.FromSeconds(2), MaxBackoff = TimeSpan.FromSeconds(40) };
        var run = Start(handler, options, time);

        await handler.WaitForAsync("error");
        await handler.WaitForAsync("error");
        await handler.WaitForAsync("error");
        Cluster.Faults.Reset();
        await handler.WaitForAsync("listed");

        handler.Errors.ShouldBeGreaterThanOrEqualTo(3);
        var delays = time.Delays;
        delays.Count.ShouldBeGreaterThanOrEqualTo(3);
        delays.ShouldAllBe(d => d > TimeSpan.Zero && d <= options.MaxBackoff);
        handler.ListedNames.ShouldBe(["a"]);
        await StopAsync(run);
    }

    [Fact]
    public async Task RunAsync_HandlerStopsOnError_EndsWithoutBackoff()
    {
        var time = new RecordingTimeProvider();
        var handler = new RecordingHandler { OnErrorAction = ReflectorErrorAction.Stop };

        await new Reflector(Client, "/apis/nope.example.com/v1/things", handler, new ReflectorOptions(), time).RunAsync(_stop.Token).WaitAsync(_wait);

        handler.Errors.ShouldBe(1);
        time.Delays.ShouldBeEmpty();
    }

    [Fact]
    public async Task RunAsync_SilentWatch_IdleWatchdogWatchesAgainWithoutRelisting()
    {
        using var client = new KubeClient(new KubeClientOptions
        {
            Server = Cluster.Url,
            BearerToken = Cluster.Options.Token,
            WatchIdleTimeout = TimeSpan.FromMilliseconds(300),
        });
        var handler = new RecordingHandler();
        var run = new Reflector(client, _configMaps, handler, new ReflectorOptions(), TimeProvider.System).RunAsync(_stop.Token);

        await handler.WaitForAsync("idle");
        CreateConfigMap("after-idle");

        await handler.WaitForEventAsync(WatchEventType.Added, "after-idle");
        handler.Lists.ShouldBe(1);
        handler.Errors.ShouldBe(0);
        await StopAsync(run);
    }

    private Task Start(RecordingHandler handler, ReflectorOptions options, TimeProvider? time = null) =>
        new Reflector(Client, _configMaps, handler, options, time ?? TimeProvider.System).RunAsync(_stop.Token);

    private async Task StopAsync(Task run)
    {
        await _stop.CancelAsync();
        await run.WaitAsync(_wait);
    }

    private System.Text.Json.Nodes.JsonObject CreateConfigMap(string name) =>
        Cluster.Store.Create(_configMapsGvr, _namespace,
            $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{{name}}}"},"data":{"i":"{{{name}}}"}}""");

    /// <summary>Records what the reflector calls, as a stream a test can wait on.</summary>
    private sealed class RecordingHandler : IReflectorHandler
    {
        private readonly Channel<string> _calls = Channel.CreateUnbounded<string>();
        private readonly Channel<ReflectedEvent> _events = Channel.CreateUnbounded<ReflectedEvent>();
        private readonly List<string> _listing = [];
        private readonly List<string> _eventNames = [];

        public Action? OnFirstListed { get; set; }

        public ReflectorErrorAction OnErrorAction { get; init; } = ReflectorErrorAction.Backoff;

        public int Lists { get; private set; }

        public int Pages { get; private set; }

        public int Errors { get; private set; }

        public IReadOnlyList<string> ListedNames { get; private set; } = [];

        public IReadOnlyList<string> EventNames
        {
            get
            {
                lock (_eventNames)
                {
                    return [.. _eventNames];
                }
            }
        }

        public async Task WaitForAsync(string call)
        {
            using var timeout = new CancellationTokenSource(_wait);
            while (await _calls.Reader.ReadAsync(timeout.Token) != call)
            {
            }
        }

        public async Task<ReflectedEvent> WaitForEventAsync(WatchEventType type, string name)
        {
            using var timeout = new CancellationTokenSource(_wait);
            while (true)
            {
                var e = await _events.Reader.ReadAsync(timeout.Token);
                if (e.Type == type && e.Identity.Name == name)
                {
                    return e;
                }
            }
        }

        public ValueTask<bool> StartListAsync(CancellationToken cancellationToken)
        {
            _listing.Clear();
            Pages = 0;
            return ValueTask.FromResult(true);
        }

        public ValueTask OnPageAsync(ListPage page, CancellationToken cancellationToken)
        {
            Pages++;
            _listing.AddRange(page.Items.Select(i => ObjectIdentity.Read(i.Span).Name));
            return ValueTask.CompletedTask;
        }

        public ValueTask OnListedAsync(CancellationToken cancellationToken)
        {
            ListedNames = [.. _listing];
            if (++Lists == 1)
            {
                OnFirstListed?.Invoke();
            }

            _calls.Writer.TryWrite("listed");
            return ValueTask.CompletedTask;
        }

        public ValueTask OnEventAsync(ReflectedEvent watchEvent, CancellationToken cancellationToken)
        {
            lock (_eventNames)
            {
                _eventNames.Add(watchEvent.Identity.Name);
            }

            _events.Writer.TryWrite(watchEvent);
            return ValueTask.CompletedTask;
        }

        public void OnWatchEnded(bool idle) => _calls.Writer.TryWrite(idle ? "idle" : "watch ended");

        public void OnExpired() => _calls.Writer.TryWrite("expired");

        public ReflectorErrorAction OnError(Exception exception)
        {
            Errors++;
            _calls.Writer.TryWrite("error");
            return OnErrorAction;
        }
    }

    /// <summary>Real time, except that every delay is recorded and fires at once: backoff is observed, not waited for.</summary>
    private sealed class RecordingTimeProvider : TimeProvider
    {
        private readonly List<TimeSpan> _delays = [];

        public IReadOnlyList<TimeSpan> Delays
        {
            get
            {
                lock (_delays)
                {
                    return [.. _delays];
                }
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime > TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
            {
                lock (_delays)
                {
                    _delays.Add(dueTime);
                }

                dueTime = TimeSpan.Zero;
            }

            return base.CreateTimer(callback, state, dueTime, period);
        }
    }
}
