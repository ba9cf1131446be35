using System.Text;
using System.Text.Json;
using Clusterpedia.ClusterSynchro.Workloads;

namespace Clusterpedia.ClusterSynchro.Tests.Workloads;

/// <summary>The streaming read of ownerReferences the transformer uses gives what the document-based one gives.</summary>
public sealed class ControllerRefTests
{
    public static TheoryData<string> OwnerLists => new()
    {
        """[]""",
        """[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-1","uid":"u1","controller":true}]""",
        """[{"apiVersion":"v1","kind":"Node","name":"n1","uid":"u0"},{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-1","uid":"u1","controller":true}]""",
        """[{"apiVersion":"v1","kind":"Node","name":"n1","uid":"u0"},{"apiVersion":"v1","kind":"Node","name":"n2","uid":"u2"}]""",
        """[{"kind":"NoUid","name":"x","controller":true},{"kind":"Second","name":"y","uid":"u2"}]""",
        """[{"kind":"NumberUid","uid":7,"controller":true},{"kind":"Ok","uid":"u3","controller":false}]""",
        """[{"kind":"Twice","uid":"first","uid":"last","name":"a","name":{"nested":[1,2]},"controller":true,"controller":false},{"kind":"C","uid":"u4","controller":true}]""",
        """[{"kind":"A","uid":"u5","controller":true},{"kind":"B","uid":"u6","controller":true}]""",
        """[null,1,"text",[{"uid":"inner"}],{"kind":"K","uid":"u7","extra":{"deep":[{"uid":"no"}]}}]""",
        """[{"kind":"K","uid":null,"controller":true}]""",
    };

    [Theory]
    [MemberData(nameof(OwnerLists))]
    public void Read_OwnerReferences_SameAsDocument(string owners)
    {
        using var document = JsonDocument.Parse(owners);
        var expected = ControllerRef.Of(document.RootElement);

        var json = Encoding.UTF8.GetBytes(owners + " ");
        var reader = new Utf8JsonReader(json);
        reader.Read();
        var read = ControllerRef.Read(ref reader);

        read.ShouldBe(expected);
        reader.TokenType.ShouldBe(JsonTokenType.EndArray);
        reader.BytesConsumed.ShouldBe(owners.Length);
    }
}
