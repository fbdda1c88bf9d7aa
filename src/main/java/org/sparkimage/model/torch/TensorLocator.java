package org.sparkimage.model.torch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a checkpoint keeps its tensors: the whole pickle when it is a state_dict (a dict of
 * tensors), else the first of {@link #CHECKPOINT_KEYS} in a training checkpoint's top-level dict
 * whose value is one. The leading "module." that nn.DataParallel adds is stripped when every key
 * has it.
 */
final class TensorLocator {
    /** Keys that training scripts use for the model's state_dict, in the order they are tried. */
    static final List<String> CHECKPOINT_KEYS = List.of("state_dict", "model_state_dict", "model", "net", "state_dict_ema");
    private static final String DATA_PARALLEL_PREFIX = "module.";
    private static final int KEYS_SHOWN = 20;

    private TensorLocator() {
    }

    /**
     * The tensors found and where.
     *
     * @param origin "state_dict", or e.g. "checkpoint['state_dict']"
     * @param tensors tensors by key, in file order, with DataParallel's prefix stripped
     */
    record Found(String origin, Map<String, TensorRef> tensors) {
    }

    /** The tensors in {@code root}, the value data.pkl holds. */
    static Found locate(Object root) {
        if (!(root instanceof PyDict dict)) {
            throw new CheckpointException("data.pkl holds a " + PyText.typeName(root) + ", not a dict of tensors;"
                    + " save the model with torch.save(model.state_dict(), path)");
        }
        if (dict.size() == 0) throw new CheckpointException("data.pkl holds an empty dict: there are no tensors to read");
        if (isTensorDict(dict)) return new Found("state_dict", tensors(dict));
        for (String key : CHECKPOINT_KEYS) {
            if (dict.get(key) instanceof PyDict inner && isTensorDict(inner)) {
                return new Found("checkpoint['" + key + "']", tensors(inner));
            }
        }
        throw new CheckpointException("found no state_dict: data.pkl holds a dict with keys "
                + PyText.keys(dict.entries(), KEYS_SHOWN) + ", which is not a dict of tensors, and none of "
                + CHECKPOINT_KEYS + " holds one");
    }

    /** A non-empty dict with string keys and only tensors as values. */
    private static boolean isTensorDict(PyDict dict) {
        if (dict.size() == 0) return false;
        for (Map.Entry<Object, Object> e : dict.entries().entrySet()) {
            if (!(e.getKey() instanceof String) || !(e.getValue() instanceof TensorRef)) return false;
        }
        return true;
    }

    private static Map<String, TensorRef> tensors(PyDict dict) {
        boolean strip = true;
        for (Object key : dict.entries().keySet()) strip &= ((String) key).startsWith(DATA_PARALLEL_PREFIX);
        Map<String, TensorRef> out = new LinkedHashMap<>();
        for (Map.Entry<Object, Object> e : dict.entries().entrySet()) {
            String key = (String) e.getKey();
            out.put(strip ? key.substring(DATA_PARALLEL_PREFIX.length()) : key, (TensorRef) e.getValue());
        }
        return out;
    }
}
