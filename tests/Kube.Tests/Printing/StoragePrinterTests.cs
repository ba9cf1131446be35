using static Clusterpedia.Kube.Tests.Printing.PrintingFixtures;

namespace Clusterpedia.Kube.Tests.Printing;

public sealed class StoragePrinterTests
{
    [Fact]
    public void PersistentVolume_BoundWithModesInFixedOrder()
    {
        CellsJson(BuiltIn("", "persistentvolumes"), Parse("""
            {"metadata":{"name":"pv-1","creationTimestamp":"2025-12-30T00:00:00Z"},
             "spec":{"capacity":{"storage":"10Gi"},"accessModes":["ReadWriteOncePod","ReadOnlyMany","ReadWriteOnce","ReadOnlyMany"],
                     "persistentVolumeReclaimPolicy":"Delete","claimRef":{"namespace":"db","name":"data-0"},
                     "storageClassName":"standard","volumeMode":"Filesystem"},
             "status":{"phase":"Bound"}}
            """)).ShouldBe("""["pv-1","10Gi","RWO,ROX,RWOP","Delete","Bound","db/data-0","standard","<unset>","","2d","Filesystem"]""");
    }

    [Fact]
    public void PersistentVolume_BetaAnnotationWinsAndMissingCapacityIsZero()
    {
        CellsJson(BuiltIn("", "persistentvolumes"), Parse("""
            {"metadata":{"name":"pv-2","annotations":{"volume.beta.kubernetes.io/storage-class":"legacy"}},
             "spec":{"storageClassName":"standard","volumeAttributesClassName":"gold"},"status":{"phase":"Available"}}
            """)).ShouldBe("""["pv-2","0","","","Available","","legacy","gold","","<unknown>","<unset>"]""");
    }

    [Fact]
    public void PersistentVolumeClaim_Bound()
    {
        CellsJson(BuiltIn("", "persistentvolumeclaims"), Parse("""
            {"metadata":{"name":"data-0","creationTimestamp":"2025-12-31T23:40:00Z"},
             "spec":{"volumeName":"pv-1","storageClassName":"standard","resources":{"requests":{"storage":"5Gi"}},"volumeMode":"Block"},
             "status":{"phase":"Bound","capacity":{"storage":"10Gi"},"accessModes":["ReadWriteMany","ReadWriteOnce"]}}
            """)).ShouldBe("""["data-0","Bound","pv-1","10Gi","RWO,RWX","standard","<unset>","20m","Block"]""");
    }

    [Fact]
    public void PersistentVolumeClaim_PendingHidesCapacityAndModes()
    {
        CellsJson(BuiltIn("", "persistentvolumeclaims"), Parse("""
            {"metadata":{"name":"data-1","creationTimestamp":"2025-12-31T23:40:00Z"},
             "spec":{"resources":{"requests":{"storage":"5Gi"}}},
             "status":{"phase":"Pending","capacity":{"storage":"5Gi"},"accessModes":["ReadWriteOnce"]}}
            """)).ShouldBe("""["data-1","Pending","","","","","<unset>","20m","<unset>"]""");
    }
}
