using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Clusterpedia.Clients.Tests;

/// <summary>
/// KubernetesClient (the official .NET client, typed) against the search server with two simulated members; every
/// result is compared with what the members themselves return to the same client.
/// </summary>
public sealed class KubernetesClientTests(DemoEnvironment env) : IClassFixture<DemoEnvironment>
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(30);

    private static string Key(V1Pod pod, string cluster) => MemberView.Key(pod, cluster);

    private static string Key(V1Pod pod) => MemberView.Key(pod);

    private Task<HashSet<string>> MemberPodsAsync() => MemberView.PodsAsync(env);

    [Fact]
    public async Task ListPods_AcrossClusters_SameSetAsMembers()
    {
        using var client = ClientFactory.Search(env);

        var expected = await MemberPodsAsync();
        await Eventually.UntilAsync(
            async () => (await client.CoreV1.ListPodForAllNamespacesAsync(labelSelector: "search.clusterpedia.io/clusters in (cluster-1,cluster-2)")).Items.Select(p => Key(p)).ToHashSet().SetEquals(expected),
            _timeout, "the search never listed the members' pods");

        var list = await client.CoreV1.ListPodForAllNamespacesAsync(labelSelector: "search.clusterpedia.io/clusters in (cluster-1,cluster-2)");
        list.Items.Select(p => Key(p)).ToHashSet().ShouldBe(expected, ignoreOrder: true);
        list.Metadata.ResourceVersion.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task ListPods_SearchLabelsForOneClusterAndNamespace_SameAsThatMember()
    {
        using var client = ClientFactory.Search(env);
        using var member = ClientFactory.Member(env.Cluster2);
        var expected = (await member.CoreV1.ListNamespacedPodAsync("kube-system")).Items.Select(p => Key(p, "cluster-2")).ToHashSet();
        expected.ShouldNotBeEmpty();

        var list = await client.CoreV1.ListPodForAllNamespacesAsync(
            labelSelector: "search.clusterpedia.io/clusters=cluster-2,search.clusterpedia.io/namespaces in (kube-system)");

        list.Items.Select(p => Key(p)).ToHashSet().ShouldBe(expected, ignoreOrder: true);
    }

    [Fact]
    public async Task ListPods_LimitAndContinue_PagesToTheEndWithTheMembersSet()
    {
        using var client = ClientFactory.Search(env);
        var expected = await MemberPodsAsync();
        var seen = new List<string>();
        string? next = null;
        var pages = 0;
        do
        {
            var page = await client.CoreV1.ListPodForAllNamespacesAsync(limit: 3, continueParameter: next);
            page.Items.Count.ShouldBeLessThanOrEqualTo(3);
            seen.AddRange(page.Items.Select(p => Key(p)));
            next = page.Metadata.ContinueProperty;
            if (!string.IsNullOrEmpty(next))
            {
                page.Metadata.RemainingItemCount.ShouldNotBeNull("a limited page with more to come carries remainingItemCount");
                page.Metadata.RemainingItemCount!.Value.ShouldBe(expected.Count - seen.Count);
            }

            pages++;
        }
        while (!string.IsNullOrEmpty(next));

        pages.ShouldBeGreaterThan(1);
        seen.Count.ShouldBe(seen.Distinct().Count(), "no object twice across pages");
        seen.ToHashSet().ShouldBe(expected, ignoreOrder: true);
    }

    [Fact]
    public async Task ReadPod_PerClusterPath_SameObjectAsTheMember()
    {
        using var member = ClientFactory.Member(env.Cluster1);
        var pod = (await member.CoreV1.ListNamespacedPodAsync("kube-system")).Items[0];
        using var client = ClientFactory.Cluster(env, "cluster-1");

        var read = await client.CoreV1.ReadNamespacedPodAsync(pod.Metadata.Name, "kube-system");

        read.Metadata.Name.ShouldBe(pod.Metadata.Name);
        read.Metadata.Uid.ShouldBe(pod.Metadata.Uid);
        read.Spec.NodeName.ShouldBe(pod.Spec.NodeName);
        read.Metadata.Annotations[MemberView.ClusterAnnotation].ShouldBe("cluster-1");
    }

    [Fact]
    public async Task ReadPod_Missing_HttpOperationExceptionWithNotFoundStatus()
    {
        using var client = ClientFactory.Cluster(env, "cluster-1");

        var e = await Should.ThrowAsync<HttpOperationException>(() => client.CoreV1.ReadNamespacedPodAsync("no-such-pod", "default"));

        e.Response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var status = KubernetesJson.Deserialize<V1Status>(e.Response.Content);
        status.Kind.ShouldBe("Status");
        status.Reason.ShouldBe("NotFound");
        status.Code.ShouldBe(404);
    }

    [Fact]
    public async Task WatchPods_MemberChanges_AddedModifiedDeletedInOrder()
    {
        var name = "kc-watch-" + Guid.NewGuid().ToString("N")[..8];
        using var client = ClientFactory.Search(env);
        var list = await client.CoreV1.ListPodForAllNamespacesAsync(labelSelector: "app=kc-watch");

        // The watch starts from the list's resourceVersion, so a change made now is delivered however late it connects.
        env.Cluster1.Store.Create(_pods, "default", PodJson(name));
        using var cts = new CancellationTokenSource(_timeout);
        var events = new List<WatchEventType>();
        await foreach (var (type, pod) in client.CoreV1.WatchListPodForAllNamespacesAsync(
            resourceVersion: list.Metadata.ResourceVersion, labelSelector: "app=kc-watch", timeoutSeconds: 30, cancellationToken: cts.Token))
        {
            if (pod.Metadata.Name != name)
            {
                continue;
            }

            events.Add(type);
            if (type == WatchEventType.Added)
            {
                env.Cluster1.Store.Update(_pods, "default", name, o =>
                {
                    o["metadata"]!["labels"]!["step"] = "modified";
                    return o;
                });
            }
            else if (type == WatchEventType.Modified)
            {
                pod.Metadata.Labels["step"].ShouldBe("modified");
                env.Cluster1.Store.Delete(_pods, "default", name);
            }
            else
            {
                break;
            }
        }

        events.ShouldBe([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Deleted]);
    }

    [Fact]
    public async Task WatchPods_AllowWatchBookmarks_ReceivesBookmarkWithResourceVersion()
    {
        using var client = ClientFactory.Search(env);
        var list = await client.CoreV1.ListPodForAllNamespacesAsync(labelSelector: "app=kc-bookmark");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        V1Pod? bookmark = null;
        await foreach (var (type, pod) in client.CoreV1.WatchListPodForAllNamespacesAsync(
            allowWatchBookmarks: true, resourceVersion: list.Metadata.ResourceVersion, labelSelector: "app=kc-bookmark", timeoutSeconds: 35, cancellationToken: cts.Token))
        {
            if (type == WatchEventType.Bookmark)
            {
                bookmark = pod;
                break;
            }
        }

        bookmark.ShouldNotBeNull("no BOOKMARK within the watch");
        long.Parse(bookmark.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBeGreaterThanOrEqualTo(long.Parse(list.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task WatchPods_ResourceVersionOlderThanHistory_KubernetesExceptionWith410Expired()
    {
        using var client = ClientFactory.Search(env);
        using var root = ClientFactory.Root(env);
        using var generic = new GenericClient(root, "cluster.clusterpedia.io", "v1alpha2", "pediaclusters", disposeClient: false);
        var listed = (await client.CoreV1.ListPodForAllNamespacesAsync(labelSelector: "app=kc-expire")).Metadata.ResourceVersion;

        // Removing a synced cluster deletes its objects wholesale, which compacts the change history past the list.
        var name = "kc-expire-" + Guid.NewGuid().ToString("N")[..8];
        var spec = JsonDocument.Parse($$"""
            {"apiserver":"{{env.Cluster1.Url.ToString().TrimEnd('/')}}",
             "caData":"{{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(env.Cluster1.CaCertificatePem!))}}",
             "tokenData":"{{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(env.Cluster1.Token!))}}",
             "syncResources":[{"group":"","resources":["pods"]}]}
            """).RootElement;
        await generic.CreateAsync(new PediaClusterObject { Metadata = new V1ObjectMeta { Name = name }, Spec = spec });
        await Eventually.UntilAsync(async () => (await client.CoreV1.ListPodForAllNamespacesAsync(labelSelector: $"search.clusterpedia.io/clusters={name}")).Items.Count > 0, _timeout, $"{name} never synced pods");
        await generic.DeleteAsync<PediaClusterObject>(name);
        await Eventually.UntilAsync(async () => (await client.CoreV1.ListPodForAllNamespacesAsync(labelSelector: $"search.clusterpedia.io/clusters={name}")).Items.Count == 0, _timeout, $"{name}'s pods were never removed");

        using var cts = new CancellationTokenSource(_timeout);
        Exception? error = null;
        await foreach (var (type, _) in client.CoreV1.WatchListPodForAllNamespacesAsync(
            resourceVersion: listed, labelSelector: "app=kc-expire", timeoutSeconds: 20, onError: e => error = e, cancellationToken: cts.Token))
        {
            type.ShouldNotBe(WatchEventType.Added);
        }

        var expired = error.ShouldBeOfType<KubernetesException>();
        expired.Status.Code.ShouldBe(410);
        expired.Status.Reason.ShouldBe("Expired");
    }

    [Fact]
    public async Task PediaCluster_GenericClientCrud_CreateReadListReplaceDelete()
    {
        using var root = ClientFactory.Root(env);
        using var generic = new GenericClient(root, "cluster.clusterpedia.io", "v1alpha2", "pediaclusters", disposeClient: false);
        var name = "kc-crud-" + Guid.NewGuid().ToString("N")[..8];
        var spec = JsonDocument.Parse($$"""
            {"apiserver":"{{env.Cluster1.Url.ToString().TrimEnd('/')}}","syncResources":[{"group":"","resources":["configmaps"]}]}
            """).RootElement;

        var created = await generic.CreateAsync(new PediaClusterObject { Metadata = new V1ObjectMeta { Name = name }, Spec = spec });
        created.Metadata.Name.ShouldBe(name);
        created.Metadata.ResourceVersion.ShouldNotBeNullOrEmpty();

        var read = await generic.ReadAsync<PediaClusterObject>(name);
        read.Spec!.Value.GetProperty("apiserver").GetString().ShouldBe(env.Cluster1.Url.ToString().TrimEnd('/'));

        var list = await generic.ListAsync<PediaClusterList>();
        list.Items.Select(c => c.Metadata.Name).ShouldContain(name);

        // A replace carries the resourceVersion it read, so the synchro's status write in between is a real 409:
        // read, change and replace again, as client-go's RetryOnConflict does.
        PediaClusterObject? replaced = null;
        for (var attempt = 0; replaced is null; attempt++)
        {
            read.Metadata.Labels = new Dictionary<string, string> { ["team"] = "clients" };
            try
            {
                replaced = await generic.ReplaceAsync(read, name);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict && attempt < 5)
            {
                read = await generic.ReadAsync<PediaClusterObject>(name);
            }
        }

        replaced.Metadata.Labels["team"].ShouldBe("clients");

        await generic.DeleteAsync<PediaClusterObject>(name);
        await Eventually.UntilAsync(
            async () =>
            {
                try
                {
                    await generic.ReadAsync<PediaClusterObject>(name);
                    return false;
                }
                catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
                {
                    return true;
                }
            },
            _timeout, "the deleted PediaCluster is still readable");
    }

    [Fact]
    public async Task PediaCluster_CreateInvalid_HttpOperationExceptionWith4xxStatus()
    {
        using var root = ClientFactory.Root(env);
        using var generic = new GenericClient(root, "cluster.clusterpedia.io", "v1alpha2", "pediaclusters", disposeClient: false);

        var e = await Should.ThrowAsync<HttpOperationException>(() => generic.CreateAsync(new PediaClusterObject { Metadata = new V1ObjectMeta { Name = "Not_A_Name" } }));

        ((int)e.Response.StatusCode).ShouldBeInRange(400, 499);
        var status = KubernetesJson.Deserialize<V1Status>(e.Response.Content);
        status.Code.ShouldBe((int)e.Response.StatusCode);
        status.Message.ShouldNotBeNullOrEmpty();
    }

    private static readonly Kube.GroupVersionResource _pods = new("", "v1", "pods");

    private static string PodJson(string name) =>
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"default\",\"labels\":{\"app\":\"kc-watch\"}}," +
        "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}],\"nodeName\":\"n1\"},\"status\":{\"phase\":\"Running\"}}";
}
