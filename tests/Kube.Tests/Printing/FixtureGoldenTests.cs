using static Clusterpedia.Kube.Tests.Printing.PrintingFixtures;

namespace Clusterpedia.Kube.Tests.Printing;

/// <summary>
/// Every built-in printer against the shared sample object of its type. The samples are created in 2008 and most are
/// being deleted; their enum-like fields hold placeholder values, which exercises the "unknown value" branches.
/// </summary>
public sealed class FixtureGoldenTests
{
    [Theory]
    [InlineData("apps", "statefulsets", "apps.v1.StatefulSet", """["nameValue","3/1","18y","nameValue","imageValue"]""")]
    [InlineData("apps", "daemonsets", "apps.v1.DaemonSet", """["nameValue",3,1,4,6,7,"nodeSelectorKey=nodeSelectorValue","18y","nameValue","imageValue","<error>"]""")]
    [InlineData("batch", "jobs", "batch.v1.Job", """["nameValue","Terminating","5/2","365d","18y","nameValue","imageValue","<error>"]""")]
    [InlineData("batch", "cronjobs", "batch.v1.CronJob", """["nameValue","scheduleValue","timeZoneValue","True",1,"22y","18y","nameValue","imageValue","<error>"]""")]
    [InlineData("", "services", "core.v1.Service", """["nameValue","typeValue","clusterIPsValue","<unknown>","3:5/protocolValue","18y","selectorKey=selectorValue"]""")]
    [InlineData("networking.k8s.io", "ingresses", "networking.k8s.io.v1.Ingress", """["nameValue","ingressClassNameValue","hostValue","ipValue","80, 443","18y"]""")]
    [InlineData("", "nodes", "core.v1.Node", """["nameValue","Unknown,SchedulingDisabled","<none>","18y","kubeletVersionValue","<none>","<none>","osImageValue","kernelVersionValue","containerRuntimeVersionValue"]""")]
    [InlineData("", "configmaps", "core.v1.ConfigMap", """["nameValue",2,"18y"]""")]
    [InlineData("", "secrets", "core.v1.Secret", """["nameValue","typeValue",1,"18y"]""")]
    [InlineData("", "serviceaccounts", "core.v1.ServiceAccount", """["nameValue",1,"18y"]""")]
    [InlineData("", "events", "core.v1.Event", """["24y","typeValue","reasonValue","kindvalue/nameValue","fieldPathValue","componentValue, hostValue","messageValue","20y",1,"nameValue"]""")]
    [InlineData("events.k8s.io", "events", "events.k8s.io.v1.Event", """["24y","typeValue","reasonValue","kindvalue/nameValue","fieldPathValue","componentValue, hostValue","noteValue","13y",1,"nameValue"]""")]
    [InlineData("", "persistentvolumes", "core.v1.PersistentVolume", """["nameValue","0","","persistentVolumeReclaimPolicyValue","Terminating","namespaceValue/nameValue","storageClassNameValue","volumeAttributesClassNameValue","reasonValue","18y","volumeModeValue"]""")]
    [InlineData("", "persistentvolumeclaims", "core.v1.PersistentVolumeClaim", """["nameValue","Terminating","volumeNameValue","0","","storageClassNameValue","volumeAttributesClassNameValue","18y","volumeModeValue"]""")]
    [InlineData("", "endpoints", "core.v1.Endpoints", """["nameValue","ipValue:2","18y"]""")]
    [InlineData("autoscaling", "horizontalpodautoscalers", "autoscaling.v2.HorizontalPodAutoscaler", """["nameValue","kindValue/nameValue","<unknown type>","2",3,3,"18y"]""")]
    [InlineData("autoscaling", "horizontalpodautoscalers", "autoscaling.v1.HorizontalPodAutoscaler", """["nameValue","kindValue/nameValue","cpu: 5%/4%","2",3,3,"18y"]""")]
    [InlineData("", "replicationcontrollers", "core.v1.ReplicationController", """["nameValue",1,1,4,"18y","nameValue","imageValue","selectorKey=selectorValue"]""")]
    public void WriteCells_SampleObject_MatchesGolden(string group, string resource, string fixture, string expected)
    {
        CellsJson(BuiltIn(group, resource), Object(fixture)).ShouldBe(expected);
    }

    [Theory]
    [InlineData("apps", "statefulsets", "Name:string:0|Ready:string:0|Age:string:0|Containers:string:1|Images:string:1")]
    [InlineData("apps", "daemonsets", "Name:string:0|Desired:integer:0|Current:integer:0|Ready:integer:0|Up-to-date:integer:0|Available:integer:0|Node Selector:string:0|Age:string:0|Containers:string:1|Images:string:1|Selector:string:1")]
    [InlineData("batch", "jobs", "Name:string:0|Status:string:0|Completions:string:0|Duration:string:0|Age:string:0|Containers:string:1|Images:string:1|Selector:string:1")]
    [InlineData("batch", "cronjobs", "Name:string:0|Schedule:string:0|Timezone:string:0|Suspend:boolean:0|Active:integer:0|Last Schedule:string:0|Age:string:0|Containers:string:1|Images:string:1|Selector:string:1")]
    [InlineData("", "services", "Name:string:0|Type:string:0|Cluster-IP:string:0|External-IP:string:0|Port(s):string:0|Age:string:0|Selector:string:1")]
    [InlineData("networking.k8s.io", "ingresses", "Name:string:0|Class:string:0|Hosts:string:0|Address:string:0|Ports:string:0|Age:string:0")]
    [InlineData("", "nodes", "Name:string:0|Status:string:0|Roles:string:0|Age:string:0|Version:string:0|Internal-IP:string:1|External-IP:string:1|OS-Image:string:1|Kernel-Version:string:1|Container-Runtime:string:1")]
    [InlineData("", "configmaps", "Name:string:0|Data:string:0|Age:string:0")]
    [InlineData("", "secrets", "Name:string:0|Type:string:0|Data:string:0|Age:string:0")]
    [InlineData("", "serviceaccounts", "Name:string:0|Secrets:string:0|Age:string:0")]
    [InlineData("", "events", "Last Seen:string:0|Type:string:0|Reason:string:0|Object:string:0|Subobject:string:1|Source:string:1|Message:string:0|First Seen:string:1|Count:string:1|Name:string:1")]
    [InlineData("", "persistentvolumes", "Name:string:0|Capacity:string:0|Access Modes:string:0|Reclaim Policy:string:0|Status:string:0|Claim:string:0|StorageClass:string:0|VolumeAttributesClass:string:0|Reason:string:0|Age:string:0|VolumeMode:string:1")]
    [InlineData("", "persistentvolumeclaims", "Name:string:0|Status:string:0|Volume:string:0|Capacity:string:0|Access Modes:string:0|StorageClass:string:0|VolumeAttributesClass:string:0|Age:string:0|VolumeMode:string:1")]
    [InlineData("", "endpoints", "Name:string:0|Endpoints:string:0|Age:string:0")]
    [InlineData("autoscaling", "horizontalpodautoscalers", "Name:string:0|Reference:string:0|Targets:string:0|MinPods:string:0|MaxPods:string:0|Replicas:string:0|Age:string:0")]
    public void Columns_MatchKubeApiserver(string group, string resource, string expected)
    {
        var printer = BuiltIn(group, resource);
        ColumnsText(printer).ShouldBe(expected);
        printer.Columns.ShouldAllBe(c => c.Format == (c.Name == "Name" ? "name" : ""));
        printer.Columns.ShouldAllBe(c => c.Description.Length > 0);
    }
}
