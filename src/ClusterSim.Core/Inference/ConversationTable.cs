using ClusterSim.Core.Inference.Workload;

namespace ClusterSim.Core.Inference;

/// <summary>Open conversations: turns left, the next turn's prompt, the answer length and the prompt identity, by session id (reused).</summary>
internal sealed class ConversationTable
{
    private int[] _turnsLeft = new int[256];
    private int[] _nextPrompt = new int[256];
    private int[] _answer = new int[256];
    private PromptIdentity[] _identity = new PromptIdentity[256];
    private int[] _class = new int[256];
    private int[] _free = new int[256];
    private int _freeCount;
    private int _used;
    private long _serial;   // conversations started so far: each one's cache keys, unique though its slot is reused

    /// <summary>Conversations open now.</summary>
    public int Open { get; private set; }

    /// <summary>Opens a conversation of <paramref name="turns"/> turns whose first prompt has <paramref name="first"/>'s shared prefix; returns its id.</summary>
    public int Start(int turns, PromptIdentity first, int answer)
    {
        int s;
        if (_freeCount > 0)
        {
            s = _free[--_freeCount];
        }
        else
        {
            if (_used == _turnsLeft.Length)
            {
                int size = _used * 2;
                Array.Resize(ref _turnsLeft, size);
                Array.Resize(ref _nextPrompt, size);
                Array.Resize(ref _answer, size);
                Array.Resize(ref _identity, size);
                Array.Resize(ref _class, size);
                Array.Resize(ref _free, size);
            }

            s = _used++;
        }

        _turnsLeft[s] = turns - 1;
        _class[s] = 0;
        _answer[s] = answer;
        // Every block past the shared system prompt is keyed by the session; the prompt key holds this table's slot.
        _identity[s] = first with { PromptKey = s, Conversation = true, Session = _serial++ };
        Open++;
        return s;
    }

    /// <summary>The identity every turn of conversation <paramref name="s"/> shares.</summary>
    public PromptIdentity Identity(int s) => _identity[s];

    /// <summary>The request class every turn of conversation <paramref name="s"/> belongs to (its first turn's).</summary>
    public int Class(int s) => _class[s];

    /// <summary>Puts every turn of conversation <paramref name="s"/> in class <paramref name="requestClass"/>.</summary>
    public void SetClass(int s, int requestClass) => _class[s] = requestClass;

    /// <summary>Turns still to come in conversation <paramref name="s"/>.</summary>
    public int TurnsLeft(int s) => _turnsLeft[s];

    /// <summary>The next turn's prompt and answer lengths.</summary>
    public (int Prompt, int Answer) Next(int s) => (_nextPrompt[s], _answer[s]);

    /// <summary>A turn finished: the next one asks <paramref name="prompt"/> tokens.</summary>
    public void Advance(int s, int prompt)
    {
        _turnsLeft[s]--;
        _nextPrompt[s] = prompt;
    }

    /// <summary>The conversation is over (its last turn answered, or a turn lost).</summary>
    public void Close(int s)
    {
        _free[_freeCount++] = s;
        Open--;
    }
}
