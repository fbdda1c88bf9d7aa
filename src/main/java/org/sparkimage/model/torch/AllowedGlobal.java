package org.sparkimage.model.torch;

/**
 * The callables data.pkl may name besides the storage classes ({@link DType}): the ones a
 * state_dict needs. The unpickler never looks anything up by name; a GLOBAL either is one of
 * these constants or the file is refused.
 */
enum AllowedGlobal {
    /** {@code collections.OrderedDict}: state_dict's container, called with no arguments. */
    ORDERED_DICT("collections", "OrderedDict"),
    /** {@code torch._utils._rebuild_tensor_v2}: a tensor as a view of a storage. */
    REBUILD_TENSOR_V2("torch._utils", "_rebuild_tensor_v2"),
    /** {@code torch._utils._rebuild_parameter}: an nn.Parameter wrapping a tensor; read as the tensor. */
    REBUILD_PARAMETER("torch._utils", "_rebuild_parameter");

    private final String module;
    private final String name;

    AllowedGlobal(String module, String name) {
        this.module = module;
        this.name = name;
    }

    /** "module.name" as Python would print it. */
    String qualifiedName() {
        return module + "." + name;
    }

    /**
     * The allowed global {@code module.name}: an {@link AllowedGlobal} or the {@link DType} of a
     * {@code torch.*Storage}; anything else is refused with a message that says what to do.
     */
    static Object resolve(String module, String name) {
        for (AllowedGlobal g : values()) {
            if (g.module.equals(module) && g.name.equals(name)) return g;
        }
        if (module.equals("torch")) {
            DType type = DType.ofStorageClass(name);
            if (type != null) return type;
        }
        throw new CheckpointException("refusing checkpoint: data.pkl names the global " + PyText.quote(module + "." + name)
                + "; only a state_dict (tensors in dicts) can be read — save it with"
                + " torch.save(model.state_dict(), path)");
    }
}
