using Clusterpedia.Storage.Tests.Fixtures;

namespace Clusterpedia.Storage.Tests.Specification;

public abstract partial class ResourceStorageSpecification<TFixture>
{
    private static ResourceRecord Workload(
        string resource, string name, WorkloadColumns workload, string? ownerUid = null, string? uid = null, string resourceVersion = "1", string cluster = "c") =>
        WithWorkload(TestObjects.Object(cluster, "test.storage", "v1", resource, "Widget", "ns", name, ownerUid: ownerUid, uid: uid, resourceVersion: resourceVersion), workload);

    private static ResourceRecord WithWorkload(ResourceRecord r, WorkloadColumns workload) => new()
    {
        Cluster = r.Cluster,
        Group = r.Group,
        Version = r.Version,
        Resource = r.Resource,
        Kind = r.Kind,
        Namespace = r.Namespace,
        Name = r.Name,
        Uid = r.Uid,
        ResourceVersion = r.ResourceVersion,
        OwnerUid = r.OwnerUid,
        CreatedAt = r.CreatedAt,
        Object = r.Object,
        Workload = workload,
    };

    private async Task<Dictionary<string, string>> WorkloadsAsync(ResourceQuery query) =>
        (await ListAllAsync(query)).ToDictionary(r => r.Name, r => r.WorkloadKind is null ? "<none>" : $"{r.WorkloadKind}/{r.WorkloadName}");

    [Fact]
    public async Task ListAsync_WorkloadKindAndName_OnlyThatWorkload()
    {
        var (resource, query) = Private("wl-kind-name");
        await Storage.UpsertAsync(
        [
            Workload(resource, "web-1", new("Deployment", "web")),
            Workload(resource, "web-2", new("Deployment", "web"), cluster: "d"),
            Workload(resource, "db-0", new("StatefulSet", "web")),
            Workload(resource, "api-1", new("Deployment", "api")),
            Workload(resource, "config", WorkloadColumns.None),
        ], Ct);

        var both = await ListAllAsync(query with { WorkloadKinds = ["Deployment"], WorkloadNames = ["web"] });
        var inCluster = await ListAllAsync(query with { WorkloadKinds = ["Deployment"], WorkloadNames = ["web"], Clusters = ["d"], Namespaces = ["ns"] });
        var kinds = await ListAllAsync(query with { WorkloadKinds = ["Deployment", "StatefulSet"] });

        both.Select(Id).ShouldBe(["c/ns/web-1", "d/ns/web-2"]);
        both[0].WorkloadKind.ShouldBe("Deployment");
        both[0].WorkloadName.ShouldBe("web");
        inCluster.Select(Id).ShouldBe(["d/ns/web-2"]);
        kinds.Select(r => r.Name).ShouldBe(["api-1", "db-0", "web-1", "web-2"]);
    }

    [Fact]
    public async Task ListAsync_WorkloadNotIn_KeepsObjectsWithoutWorkload()
    {
        var (resource, query) = Private("wl-notin");
        await Storage.UpsertAsync(
        [
            Workload(resource, "web-1", new("Deployment", "web")),
            Workload(resource, "db-0", new("StatefulSet", "db")),
            Workload(resource, "config", WorkloadColumns.None),
        ], Ct);

        var notDeployments = await ListAllAsync(query with { WorkloadKindsNotIn = ["Deployment"] });
        var notDb = await ListAllAsync(query with { WorkloadNamesNotIn = ["db"] });

        notDeployments.Select(r => r.Name).ShouldBe(["config", "db-0"]);
        notDb.Select(r => r.Name).ShouldBe(["config", "web-1"]);
    }

    [Fact]
    public async Task UpsertAsync_OwnerStoredAfterChildren_FollowingChildrenTakeItsWorkload()
    {
        var (resource, query) = Private("wl-owner-later");
        await Storage.UpsertAsync(
        [
            Workload(resource, "pod-a", new("Deployment", "guess", FollowsOwner: true), ownerUid: "rs-1"),
            Workload(resource, "pod-b", new("ReplicaSet", "rs", FollowsOwner: true), ownerUid: "rs-1"),
            Workload(resource, "pod-plugin", new("StatefulSet", "from-plugin"), ownerUid: "rs-1"),
            Workload(resource, "pod-other", new("Deployment", "other", FollowsOwner: true), ownerUid: "rs-2"),
        ], Ct);

        await Storage.UpsertAsync([Workload(resource, "rs", new("Rollout", "canary", HandsDown: true), uid: "rs-1")], Ct);
        var afterOwner = await WorkloadsAsync(query);
        await Storage.UpsertAsync([Workload(resource, "rs", new("Deployment", "web", HandsDown: true), uid: "rs-1", resourceVersion: "2")], Ct);
        var afterOwnerChanged = await WorkloadsAsync(query);

        afterOwner["pod-a"].ShouldBe("Rollout/canary");
        afterOwner["pod-b"].ShouldBe("Rollout/canary");
        afterOwner["pod-plugin"].ShouldBe("StatefulSet/from-plugin");
        afterOwner["pod-other"].ShouldBe("Deployment/other");
        afterOwnerChanged["pod-a"].ShouldBe("Deployment/web");
        afterOwnerChanged["pod-b"].ShouldBe("Deployment/web");
        afterOwnerChanged["pod-plugin"].ShouldBe("StatefulSet/from-plugin");
    }

    [Fact]
    public async Task UpsertAsync_OwnerStoredBeforeChild_ChildTakesOwnerWorkload()
    {
        var (resource, query) = Private("wl-owner-first");
        await Storage.UpsertAsync([Workload(resource, "job", new("CronJob", "nightly", HandsDown: true), uid: "job-1")], Ct);

        await Storage.UpsertAsync([Workload(resource, "pod", new("Job", "job", FollowsOwner: true), ownerUid: "job-1")], Ct);
        await Storage.UpsertAsync([Workload(resource, "pod", new("Job", "job", FollowsOwner: true), ownerUid: "job-1", resourceVersion: "2")], Ct);

        (await WorkloadsAsync(query))["pod"].ShouldBe("CronJob/nightly");
    }

    [Fact]
    public async Task UpsertAsync_OwnerAndChildrenInOneBatch_ChildrenTakeOwnerWorkloadWhicheverComesFirst()
    {
        // uids are the test's own: the owner lookup is by cluster and uid, across types, as in a cluster.
        var (resource, query) = Private("wl-one-batch");
        await Storage.UpsertAsync(
        [
            Workload(resource, "pod-before", new("Deployment", "guess", FollowsOwner: true), ownerUid: "one-batch-rs"),
            Workload(resource, "rs", new("Rollout", "canary", HandsDown: true), uid: "one-batch-rs"),
            Workload(resource, "pod-after", new("Deployment", "guess", FollowsOwner: true), ownerUid: "one-batch-rs"),
            Workload(resource, "pod-elsewhere", new("Deployment", "own", FollowsOwner: true), ownerUid: "one-batch-missing"),
        ], Ct);

        var workloads = await WorkloadsAsync(query);

        workloads["pod-before"].ShouldBe("Rollout/canary");
        workloads["pod-after"].ShouldBe("Rollout/canary");
        workloads["pod-elsewhere"].ShouldBe("Deployment/own");
    }

    [Fact]
    public async Task UpdateWorkloadsAsync_NewAnswer_ColumnsChangeButNotRevision()
    {
        var (resource, query) = Private("wl-update");
        var pod = Workload(resource, "pod", new("Deployment", "web", FollowsOwner: true), ownerUid: "rs-1");
        await Storage.UpsertAsync([pod], Ct);
        var before = (await ListAllAsync(query)).Single();

        await Storage.UpdateWorkloadsAsync([new WorkloadUpdate(pod.Key, pod.Uid, "rs-1", "1", new("StatefulSet", "ogtest"))], Ct);
        var after = (await ListAllAsync(query)).Single();
        await Storage.UpdateWorkloadsAsync([new WorkloadUpdate(pod.Key, pod.Uid, "rs-1", "0", new("Stale", "answer"))], Ct);
        await Storage.UpsertAsync([Workload(resource, "rs", new("Deployment", "web", HandsDown: true), uid: "rs-1")], Ct);
        var afterOwner = (await ListAllAsync(query with { Names = ["pod"] })).Single();

        after.WorkloadKind.ShouldBe("StatefulSet");
        after.WorkloadName.ShouldBe("ogtest");
        after.Revision.ShouldBe(before.Revision);
        after.Object.ToArray().ShouldBe(before.Object.ToArray());

        // The stale answer (another resourceVersion) was not written, and a plugin's answer does not follow the owner.
        afterOwner.WorkloadKind.ShouldBe("StatefulSet");
    }

    [Fact]
    public async Task GetChangesAsync_WorkloadQuery_FiltersUpsertsAndDeletes()
    {
        var start = await RevisionAsync();
        var (resource, query) = Private("wl-changes");
        var web = Workload(resource, "web-1", new("Deployment", "web"));
        await Storage.UpsertAsync([web, Workload(resource, "db-0", new("StatefulSet", "db"))], Ct);
        await Storage.DeleteAsync([web.Key], Ct);

        var changes = await Changes.GetChangesAsync(query with { WorkloadKinds = ["Deployment"], WorkloadNames = ["web"] }, start, 10, Ct);

        // The row is gone: its tombstone carries the workload the filter reads.
        changes.Changes.Select(c => (c.Type, c.Resource.Name, c.Resource.WorkloadName)).ShouldBe([(ResourceChangeType.Deleted, "web-1", "web")]);
    }
}
